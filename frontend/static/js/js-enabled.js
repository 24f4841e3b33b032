// Marks the page as having JavaScript before it is drawn, as GOV.UK Frontend expects. It is a file of its own,
// loaded before anything else in the body, because the Content-Security-Policy allows no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
