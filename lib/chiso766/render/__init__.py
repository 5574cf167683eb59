"""The render pipeline: notebook execution, HTML, PDF, XLSX, manifests, atomic publish, index."""
