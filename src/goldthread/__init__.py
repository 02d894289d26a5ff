"""goldthread: an improvement system for English local authority children's services."""
