"""Cần Thơ policy analysis workbook."""
__version__ = "0.1.0"
