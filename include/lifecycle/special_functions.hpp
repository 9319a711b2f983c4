#pragma once
/// \file special_functions.hpp
/// The special functions the customer-base models need: log-gamma, digamma and
/// the Gauss hypergeometric function 2F1, for real arguments.
///
/// Our own implementations, so that the models depend on nothing new and
/// behave the same on every platform (glibc's `lgamma` also writes a global,
/// which is a data race when several threads score customers).

namespace lifecycle {

/// ln|Γ(x)| for real \p x; +inf at the poles (0, -1, -2, ...). Absolute error
/// about 1e-15 for x in (0, 10], relative error about 1e-15 beyond; negative
/// non-integers by reflection. No allocation, thread-safe.
double log_gamma(double x) noexcept;

/// The sign of Γ(x): +1 for x > 0, alternating between the poles below 0;
/// NaN at a pole or for NaN.
double gamma_sign(double x) noexcept;

/// ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b), for a, b > 0.
double log_beta(double a, double b) noexcept;

/// The digamma function ψ(x) = d/dx ln Γ(x) for real \p x; NaN at the poles.
/// Absolute error about 1e-15 for x in (0, 10], relative beyond.
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
/// - 0.5 < z < 1: the 1-z transformation (Abramowitz & Stegun 15.3.6), whose
///   two terms cancel when c - a - b is near an integer; within 1e-3 of one the
///   power series is summed instead (up to 10^7 terms, so z up to 1 - 1e-6 or
///   so), and for an exact integer the logarithmic limit forms (A&S 15.3.10-12).
/// Relative error: about 1e-14 in general; about 1e-16/d when c - a - b lies
/// within d < 1e-3 of an integer and z is so close to 1 that the series cannot
/// finish. Cost: tens of terms, more as z nears 1.
double hypergeometric_2f1(double a, double b, double c, double z) noexcept;

}  // namespace lifecycle
