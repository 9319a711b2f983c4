#pragma once
/// \file special_functions.hpp
/// The special functions the customer-base models need: log-gamma, digamma and
/// the Gauss hypergeometric function 2F1, for real arguments.
///
/// Our own implementations, so that the models depend on nothing new and
/// behave the same on every platform (glibc's `lgamma` also writes a global,
/// which is a data race when several threads score customers).

namespace lifecycle {

/// ln|Γ(x)| for real \p x; +inf at the poles (0, -1, -2, ...). Error below
/// 5e-16 relative, or absolute where |ln Γ| < 1 (it vanishes at 1 and 2): a
/// series around 2 below x = 10, Stirling's series above; negative
/// non-integers by reflection. No allocation, thread-safe.
double log_gamma(double x) noexcept;

/// The sign of Γ(x): +1 for x > 0, alternating between the poles below 0;
/// NaN at a pole or for NaN.
double gamma_sign(double x) noexcept;

/// ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b), for a, b > 0.
double log_beta(double a, double b) noexcept;

/// The digamma function ψ(x) = d/dx ln Γ(x) for real \p x; NaN at the poles.
/// Error below 5e-16 relative, or absolute where |ψ| < 1, for x > 0; a few
/// times more for negative x (by reflection).
double digamma(double x) noexcept;

/// The Gauss hypergeometric function 2F1(a, b; c; z) for real parameters and
/// z < 1 (z = 1 too when c - a - b > 0, by Gauss's sum). NaN outside that
/// domain, when c is 0, -1, -2, ... (unless the series ends before the pole),
/// or when no method reached full precision (see below).
///
/// How it is computed, so that it stays accurate everywhere in the domain:
/// - a or b a non-positive integer: the terminating polynomial, for any z;
/// - z < 0: Pfaff's transformation maps z to z/(z-1) in (0, 1);
/// - 0 <= z <= 0.5: the power series;
/// - 0.5 < z < 1: the power series when z <= 0.9 and its terms do not cancel;
///   else the transformation to 1-z (Abramowitz & Stegun 15.3.6), or for an
///   integer c - a - b its logarithmic limit (A&S 15.3.10-12). The general
///   transformation's two terms cancel as c - a - b nears an integer, so within
///   1e-3 of one the power series is summed instead (up to 2e6 terms: z up to
///   about 1 - 2e-5). Every candidate carries an estimate of its rounding
///   error, and the smallest wins.
/// Relative error: about 1e-15 for moderate parameters, 1e-13 with parameters
/// in the tens. In one corner, c - a - b within d < 1e-3 of an integer and
/// z > 1 - 2e-5, it can reach max(1e-16/d, d) (1e-8 at worst). Cost: tens of
/// terms for most arguments; more as z nears 1 with c - a - b near an integer.
double hypergeometric_2f1(double a, double b, double c, double z) noexcept;

}  // namespace lifecycle
