"""What every part of the service shares: the audit trail, the site's own pages and error pages."""
