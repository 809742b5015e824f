"""What pages show, read from the published store: descriptions, marked-up text, the service
description."""
