"""Views: parse the request, call a service, pick a template or JSON."""
