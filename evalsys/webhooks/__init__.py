"""Webhooks: URLs registered per intervention, told of its events by signed POSTs (job queue)."""
