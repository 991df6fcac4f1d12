"""Request (write) and response (read) models of the REST API, one module per resource."""
