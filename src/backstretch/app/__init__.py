"""The application layer: the use cases every face (web, command line, handout, desk breaks) calls, so policy is
decided once. It uses the core and knows nothing of the shells."""
