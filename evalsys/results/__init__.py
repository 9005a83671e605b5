"""Results: an intervention's evaluation, charts, exports, PDF reports and published versions."""
