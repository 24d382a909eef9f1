"""OCR of scanned documents, page by page, in a queue worked apart from the harvest."""
