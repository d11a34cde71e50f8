"""Admin hooks for keeping content current: confirming services, overdue reviews."""
