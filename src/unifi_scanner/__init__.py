"""unifi-scanner: listens to a UniFi Network controller and explains what the network did."""

__version__ = "0.1.0"
