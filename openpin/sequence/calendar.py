"""A mailbox's sending calendar: send days and hours in its own time zone, holidays, pause dates.

Everything takes `now` (an aware UTC datetime) from the caller, so tests control time exactly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from openpin.errors import ValidationFailed
from openpin.models.sequence import Mailbox

# How far ahead to look for the next open window: a mailbox paused for longer is not sending.
MAX_LOOKAHEAD_DAYS = 366


@lru_cache(maxsize=256)
def _holiday_calendar(country: str, subdivision: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision or None)


def check_holiday_country(country: str, subdivision: str = "") -> None:
    if not country:
        return
    try:
        _holiday_calendar(country.upper(), subdivision.upper())
    except NotImplementedError as exc:
        raise ValidationFailed(
            f"holiday_country: no public holiday calendar for {country!r}"
            + (f" (subdivision {subdivision!r})" if subdivision else "")
            + ".",
            "Use a two-letter ISO country code such as US, GB or DE, or leave it empty.",
            field="holiday_country",
        ) from exc


def check_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(
            f"timezone: {name!r} is not a time zone.",
            "Use an IANA name such as Europe/Berlin or America/New_York.",
            field="timezone",
        ) from exc


class SendCalendar:
    """The send rules of one mailbox, answered for any instant."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.zone = ZoneInfo(mailbox.timezone or "UTC")
        self.send_days = frozenset(mailbox.send_days)
        self.start = mailbox.window_start_minute
        self.end = mailbox.window_end_minute
        self.pause_dates = frozenset(mailbox.pause_dates)
        country = (mailbox.holiday_country or "").upper()
        self.holidays = (
            _holiday_calendar(country, (mailbox.holiday_subdivision or "").upper())
            if country
            else None
        )

    def local_date(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def is_send_day(self, day: date) -> bool:
        if day.weekday() not in self.send_days or day.isoformat() in self.pause_dates:
            return False
        return self.holidays is None or day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's window in UTC; built from local wall-clock times, so DST is respected."""
        midnight = datetime.combine(day, time(0), tzinfo=self.zone)
        start = _wall_clock(midnight, self.start)
        end = _wall_clock(midnight, self.end)
        return start.astimezone(UTC), end.astimezone(UTC)

    def is_open(self, now: datetime) -> bool:
        day = self.local_date(now)
        if not self.is_send_day(day):
            return False
        start, end = self.window(day)
        return start <= now < end

    def window_end(self, now: datetime) -> datetime:
        return self.window(self.local_date(now))[1]

    def next_open(self, now: datetime) -> datetime | None:
        """`now` if the window is open, else when it next opens; None if never within a year."""
        day = self.local_date(now)
        for offset in range(MAX_LOOKAHEAD_DAYS):
            candidate_day = day + timedelta(days=offset)
            if not self.is_send_day(candidate_day):
                continue
            start, end = self.window(candidate_day)
            if now < end:
                return max(now, start)
        return None

    def add_business_days(self, moment: datetime, days: int) -> datetime:
        """The same local time `days` send days later (0: `moment` itself)."""
        local = moment.astimezone(self.zone)
        day = local.date()
        remaining = days
        steps = 0
        while remaining > 0 and steps < MAX_LOOKAHEAD_DAYS * 2:
            day += timedelta(days=1)
            steps += 1
            if self.is_send_day(day):
                remaining -= 1
        return datetime.combine(day, local.time(), tzinfo=self.zone).astimezone(UTC)


def _wall_clock(midnight: datetime, minutes: int) -> datetime:
    if minutes >= 24 * 60:
        return (midnight + timedelta(days=1)).replace(hour=0, minute=0)
    return midnight.replace(hour=minutes // 60, minute=minutes % 60)
