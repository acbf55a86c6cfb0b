"""One module per ``unifi-scanner`` command; :mod:`unifi_scanner.cli` parses and dispatches."""
