"""Classroom area: exercises, students joining by code, the educator dashboard."""
