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

# -- unit conversions: one name per step of a thousand, so each reads as the units it turns
#: Kilograms in a tonne.
KG_PER_T = 1000.0
#: Tonnes in a kilotonne.
T_PER_KT = 1000.0
#: Metres in a kilometre.
M_PER_KM = 1000.0
#: Watts in a kilowatt (W/kg and Wh/kg figures against the model's kW and kWh).
W_PER_KW = 1000.0
#: Kilowatts in a megawatt, and so kWh in a MWh.
KW_PER_MW = 1000.0
#: Joules in a kilojoule.
J_PER_KJ = 1000.0
#: Milliseconds in a second.
MS_PER_S = 1000.0

# -- tolerances
#: Float noise: a quantity this small (relative to the ones it is compared with, or to one) is
#: rounding, not an amount. It lets a quotient that is a whole number in exact arithmetic count
#: as whole (``int(x + FLOAT_NOISE)``, ``ceil(x - FLOAT_NOISE)``) and lets balances close.
FLOAT_NOISE = 1e-9
#: The least divisor a rate may take where a rate of zero would divide by zero.
MIN_DIVISOR = 1e-9
