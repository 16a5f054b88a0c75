"""The local web app: FastAPI routes per area over the same core and store the CLI uses."""
