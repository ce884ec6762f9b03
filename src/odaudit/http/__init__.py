"""The fetch stage: the only code of odaudit that talks to the network."""

from odaudit.http.fetcher import Fetcher
from odaudit.http.limits import HostState, SlowDown
from odaudit.http.policy import AddressPolicy
from odaudit.http.robots import RobotsCache, RobotsVerdict
from odaudit.http.settings import CrawlSettingsLike
from odaudit.http.types import DownloadResult, FetchError, FetchStats, HttpResponse

__all__ = [
    "AddressPolicy",
    "CrawlSettingsLike",
    "DownloadResult",
    "FetchError",
    "FetchStats",
    "Fetcher",
    "HostState",
    "HttpResponse",
    "RobotsCache",
    "RobotsVerdict",
    "SlowDown",
]
