"""Physical and calendar constants, each defined once.

Every module that turns days into years, hours into days or accelerations in g into m/s^2 reads
them from here, so a year is the same length everywhere in the model, the app and the reports.
"""

from __future__ import annotations

#: Days in a Julian year: the model's year, used for rates per year and for horizons in years.
DAYS_PER_YEAR = 365.25
#: Hours in a day: powers (kW) become a day's energy (kWh).
HOURS_PER_DAY = 24.0
#: Hours in a Julian year (DAYS_PER_YEAR * HOURS_PER_DAY).
HOURS_PER_YEAR = 8766.0
#: Standard gravity (m/s^2): scenarios give the mass driver's acceleration limit in g.
G0 = 9.80665
#: Joules in a kilowatt-hour.
J_PER_KWH = 3.6e6
