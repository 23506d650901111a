"""Default page templates, shipped in the wheel as package data (cssite.templates)."""
