"""Local time compression: with TIME_SCALE=60 a 30-minute wait takes 30 seconds (1 in AWS).

The one place that does this arithmetic; the scheduler emulation uses it, and so can any code
that waits on its own (e.g. Step Functions Wait seconds computed by the application).
"""

from datetime import timedelta


def scaled_wait(wait: timedelta, time_scale: float) -> timedelta:
    """How long `wait` lasts on the wall clock when time runs `time_scale` times faster.

    A negative wait (a moment already past) lasts nothing.
    """
    if time_scale <= 0:
        raise ValueError(f"time scale must be positive, not {time_scale}")
    return max(wait, timedelta()) / time_scale
