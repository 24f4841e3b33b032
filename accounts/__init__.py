"""People who use the service: the user model, roles, sign-in, registration and password reset."""
