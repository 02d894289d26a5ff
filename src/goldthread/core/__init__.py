"""Domain cores: plain Python, no Django. Django apps call these; these never import Django."""
