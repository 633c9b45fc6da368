"""The site shell: settings, URLs, the home page and the base templates."""
