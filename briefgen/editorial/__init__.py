"""What a brief says about its facts: template context, editorial views, freshness, citations."""
