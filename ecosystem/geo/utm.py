"""UTM zone 32 (ETRS89 / WGS84) to and from latitude and longitude, with no projection library.

The Krüger series to the fourth order in n (Karney 2011): sub-millimetre within the zone
and as far out as Bornholm (6 degrees from 9 E).
"""

from __future__ import annotations

import math

__all__ = ["latlon_to_utm", "utm_to_latlon"]

_A = 6378137.0
_F = 1 / 298.257222101  # GRS80; WGS84 differs by 0.1 mm here
_K0 = 0.9996
_N = _F / (2 - _F)
_AA = _A / (1 + _N) * (1 + _N**2 / 4 + _N**4 / 64)
# Krüger's series to the fourth order in n (Karney 2011, eqs. 35-36 and the conformal
# latitude series): sub-millimetre as far out as Bornholm (6 degrees from 9 E).
_ALPHA = (
    _N / 2 - 2 * _N**2 / 3 + 5 * _N**3 / 16 + 41 * _N**4 / 180,
    13 * _N**2 / 48 - 3 * _N**3 / 5 + 557 * _N**4 / 1440,
    61 * _N**3 / 240 - 103 * _N**4 / 140,
    49561 * _N**4 / 161280,
)
_BETA = (
    _N / 2 - 2 * _N**2 / 3 + 37 * _N**3 / 96 - _N**4 / 360,
    _N**2 / 48 + _N**3 / 15 - 437 * _N**4 / 1440,
    17 * _N**3 / 480 - 37 * _N**4 / 840,
    4397 * _N**4 / 161280,
)
_DELTA = (
    2 * _N - 2 * _N**2 / 3 - 2 * _N**3 + 116 * _N**4 / 45,
    7 * _N**2 / 3 - 8 * _N**3 / 5 - 227 * _N**4 / 45,
    56 * _N**3 / 15 - 136 * _N**4 / 35,
    4279 * _N**4 / 630,
)


def utm_to_latlon(easting: float, northing: float, zone: int = 32) -> tuple[float, float]:
    """Convert UTM (northern hemisphere, ETRS89/WGS84) to latitude and longitude in degrees.

    Krüger's series to the fourth order in n (Karney 2011): well under a millimetre
    within the zone and as far out as Bornholm in zone 32.

    >>> lat, lon = utm_to_latlon(500000, 6206000)
    >>> round(lon, 6)
    9.0
    """
    xi = northing / (_K0 * _AA)
    eta = (easting - 500000.0) / (_K0 * _AA)
    xi_p = xi - sum(b * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, b in enumerate(_BETA, 1))
    eta_p = eta - sum(b * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, b in enumerate(_BETA, 1))
    chi = math.asin(math.sin(xi_p) / math.cosh(eta_p))
    lat = chi + sum(d * math.sin(2 * j * chi) for j, d in enumerate(_DELTA, 1))
    lon0 = math.radians(zone * 6 - 183)
    lon = lon0 + math.atan2(math.sinh(eta_p), math.cos(xi_p))
    return math.degrees(lat), math.degrees(lon)


def latlon_to_utm(lat: float, lon: float, zone: int = 32) -> tuple[float, float]:
    """Convert latitude and longitude in degrees to UTM (northern hemisphere) easting, northing.

    >>> e, n = latlon_to_utm(*utm_to_latlon(560016.186, 6319238.093))
    >>> round(e, 2), round(n, 2)
    (560016.19, 6319238.09)
    """
    phi, dlam = math.radians(lat), math.radians(lon) - math.radians(zone * 6 - 183)
    c = 2 * math.sqrt(_N) / (1 + _N)
    t = math.sinh(math.atanh(math.sin(phi)) - c * math.atanh(c * math.sin(phi)))
    xi_p = math.atan2(t, math.cos(dlam))
    eta_p = math.atanh(math.sin(dlam) / math.sqrt(1 + t * t))
    e = eta_p + sum(a * math.cos(2 * j * xi_p) * math.sinh(2 * j * eta_p) for j, a in enumerate(_ALPHA, 1))
    n = xi_p + sum(a * math.sin(2 * j * xi_p) * math.cosh(2 * j * eta_p) for j, a in enumerate(_ALPHA, 1))
    return 500000.0 + _K0 * _AA * e, _K0 * _AA * n
