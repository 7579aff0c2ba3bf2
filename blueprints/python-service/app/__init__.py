"""{{appName}}: a Flask web service."""
