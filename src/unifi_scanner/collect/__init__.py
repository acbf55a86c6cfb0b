"""Collecting events from controllers: sources per site, handed to a sink (the store)."""

from unifi_scanner.collect.collector import SiteCollector
from unifi_scanner.collect.router import FrameRouter, FrameStats
from unifi_scanner.collect.sink import EventSink

__all__ = ["EventSink", "FrameRouter", "FrameStats", "SiteCollector"]
