// lifecycle fit EVENTS.csv --calibration-end DATE: fits the customer-base
// models to the purchases of an event log and checks them on the holdout
// period after the calibration end. A thin layer: summarizing, fitting,
// comparing and plotting are library calls (customer_summary.hpp, bgnbd.hpp,
// pareto_nbd.hpp, gamma_gamma.hpp, holdout.hpp); this file only prints.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <fmt/format.h>

#include <lifecycle/bgnbd.hpp>
#include <lifecycle/customer_summary.hpp>
#include <lifecycle/error.hpp>
#include <lifecycle/event_csv.hpp>
#include <lifecycle/gamma_gamma.hpp>
#include <lifecycle/holdout.hpp>
#include <lifecycle/pareto_nbd.hpp>

#include "commands.hpp"

namespace {

constexpr const char* usage_text =
    "usage: lifecycle fit EVENTS.csv --calibration-end DATE [options]\n"
    "\n"
    "Fits the customer-base models to the purchases in an event log (the CSV\n"
    "`lifecycle replay` reads): BG/NBD and Pareto/NBD for who is still alive and\n"
    "how often they will buy, Gamma-Gamma for how much. The models learn from the\n"
    "purchases up to the calibration end and are checked on those after it.\n"
    "\n"
    "options:\n"
    "  --calibration-end DATE  the last day (YYYY-MM-DD) of the calibration period (required)\n"
    "  --holdout-end DATE      the last day of the holdout period (default: the last purchase)\n"
    "  --model M               bgnbd, pareto or both (default both)\n"
    "  --unit U                week or day: the unit of t_x, T and alpha, beta (default week)\n"
    "  --json OUT.json         write the parameters, fit reports and holdout table as JSON\n"
    "  --svg OUT.svg           plot predicted and actual cumulative repeat purchases\n"
    "  --max-iterations N      give up a fit after N iterations (default 500)\n"
    "\n"
    "exit: 0 done, 1 a model did not converge (its results are printed anyway),\n"
    "      2 bad usage, an unreadable file, a bad row (FILE:LINE), or data no model can fit\n"
    "docs/models.md describes the models and the output.\n";

constexpr lifecycle::cli::command_errors errors{"fit"};

std::optional<boost::gregorian::date> parse_date(const std::string& text) {
  const auto us = lifecycle::parse_event_time_us(text);
  if (!us || text.size() != 10) return std::nullopt;
  return lifecycle::time_from_us(*us).date();
}

std::string day(boost::gregorian::date d) { return d.is_special() ? "-" : boost::gregorian::to_iso_extended_string(d); }

// 12345 -> "12,345".
std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_number(double v) { return std::isfinite(v) ? fmt::format("{:.10g}", v) : "null"; }

// A fitted model's parameters as (name, estimate, standard error).
struct parameter {
  const char* name;
  double estimate, std_error;
};

struct fitted {
  std::string key;    // for JSON: "bgnbd", "pareto_nbd", "gamma_gamma"
  std::string title;  // for text
  std::vector<parameter> parameters;
  lifecycle::fit_report report;
  std::size_t left_out = 0;
};

void print_model(const fitted& m, lifecycle::time_unit unit) {
  fmt::print("\n{}\n", m.title);
  fmt::print("  {:<10} {:>12} {:>12}\n", "parameter", "estimate", "std. error");
  for (const parameter& p : m.parameters) {
    const bool scale = std::string_view(p.name) == "alpha" || std::string_view(p.name) == "beta";
    fmt::print("  {:<10} {:>12.4f} {:>12}{}\n", p.name, p.estimate,
               m.report.hessian_ok ? fmt::format("{:.4f}", p.std_error) : std::string("-"),
               scale ? fmt::format("   ({}s)", lifecycle::to_string(unit)) : "");
  }
  fmt::print("  log-likelihood {:.2f} over {} customers\n", m.report.log_likelihood,
             thousands(m.report.customers));
  fmt::print("  {} in {} iterations ({} evaluations), gradient {:.1e}; fit {:.1f} ms\n",
             m.report.converged ? "converged" : "NOT CONVERGED (" + m.report.message + ")", m.report.iterations,
             m.report.evaluations, m.report.gradient_norm, m.report.seconds * 1e3);
}

std::string model_json(const fitted& m, const lifecycle::holdout_comparison* c) {
  std::string s = "{\"parameters\": {";
  for (std::size_t i = 0; i < m.parameters.size(); ++i)
    s += fmt::format("{}{}: {{\"estimate\": {}, \"std_error\": {}}}", i ? ", " : "", json_string(m.parameters[i].name),
                     json_number(m.parameters[i].estimate),
                     m.report.hessian_ok ? json_number(m.parameters[i].std_error) : "null");
  s += fmt::format(
      "}}, \"log_likelihood\": {}, \"customers\": {}, \"iterations\": {}, \"evaluations\": {}, \"gradient_norm\": {}, "
      "\"converged\": {}, \"message\": {}, \"seconds\": {}",
      json_number(m.report.log_likelihood), m.report.customers, m.report.iterations, m.report.evaluations,
      json_number(m.report.gradient_norm), m.report.converged ? "true" : "false", json_string(m.report.message),
      json_number(m.report.seconds));
  if (m.key == "gamma_gamma") s += fmt::format(", \"left_out\": {}", m.left_out);
  if (c && !c->holdout.empty())
    s += fmt::format(
        ", \"holdout_error_percent\": {{\"conditional_mean_abs\": {}, \"conditional_at_end\": {}, "
        "\"unconditional_mean_abs\": {}, \"unconditional_at_end\": {}}}",
        json_number(c->conditional_mape), json_number(c->conditional_end_error), json_number(c->unconditional_mape),
        json_number(c->unconditional_end_error));
  return s + "}";
}

bool write_file(const std::string& path, const std::string& what, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  out.flush();
  if (!out) {
    std::fprintf(stderr, "lifecycle fit: cannot write %s to %s\n", what.c_str(), path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int lifecycle::cli::fit_command(args a) {
  std::optional<std::string> events, json, svg;
  lifecycle::summary_options options;
  bool have_calibration_end = false, want_bgnbd = true, want_pareto = true;
  lifecycle::fit_options fit;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string_view arg = a[i];
    auto value = [&](std::optional<std::string>& into) -> bool {
      if (i + 1 >= a.size()) return false;
      into = std::string(a[++i]);
      return true;
    };
    std::optional<std::string> text;
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage_text, stdout);
      return 0;
    } else if (arg == "--calibration-end" || arg == "--holdout-end") {
      if (!value(text)) return errors.usage(fmt::format("{} needs a date", arg));
      const auto d = parse_date(*text);
      if (!d) return errors.usage(fmt::format("{} wants a date YYYY-MM-DD, got '{}'", arg, *text));
      if (arg == "--calibration-end") {
        options.calibration_end = *d;
        have_calibration_end = true;
      } else {
        options.holdout_end = *d;
      }
    } else if (arg == "--model") {
      if (!value(text)) return errors.usage("--model needs bgnbd, pareto or both");
      if (*text == "bgnbd") {
        want_pareto = false;
      } else if (*text == "pareto") {
        want_bgnbd = false;
      } else if (*text != "both") {
        return errors.usage(fmt::format("--model wants bgnbd, pareto or both, got '{}'", *text));
      }
    } else if (arg == "--unit") {
      if (!value(text)) return errors.usage("--unit needs week or day");
      const auto u = lifecycle::parse_time_unit(*text);
      if (!u) return errors.usage(fmt::format("--unit wants week or day, got '{}'", *text));
      options.unit = *u;
    } else if (arg == "--max-iterations") {
      if (!value(text)) return errors.usage("--max-iterations needs a number");
      int n = 0;
      const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
      if (ec != std::errc{} || end != text->data() + text->size() || n < 1)
        return errors.usage(fmt::format("--max-iterations wants a number >= 1, got '{}'", *text));
      fit.max_iterations = n;
    } else if (arg == "--json") {
      if (!value(json)) return errors.usage("--json needs a file");
    } else if (arg == "--svg") {
      if (!value(svg)) return errors.usage("--svg needs a file");
    } else if (arg.size() > 1 && arg[0] == '-') {
      return errors.usage(fmt::format("unknown option '{}'", arg));
    } else if (events) {
      return errors.usage("give one events file");
    } else {
      events = std::string(arg);
    }
  }
  if (!events) return errors.usage("which events file?");
  if (!have_calibration_end) return errors.usage("--calibration-end DATE is required");
  if (options.holdout_end && *options.holdout_end < options.calibration_end)
    return errors.usage("--holdout-end is before --calibration-end");

  lifecycle::calibration_summary data;
  try {
    auto reader = lifecycle::event_csv_reader::open(*events);
    data = lifecycle::summarize_event_csv(reader, options);
  } catch (const lifecycle::error& e) {
    return errors.fail(e);
  }
  const std::string unit(to_string(options.unit));
  const double unit_days = lifecycle::days_per(options.unit);
  if (data.customers.empty()) {
    std::fprintf(stderr, "lifecycle fit: %s: no customer made a first purchase by the calibration end %s (%s rows)\n",
                 events->c_str(), day(options.calibration_end).c_str(), thousands(data.rows).c_str());
    return 2;
  }
  std::uint64_t returning = 0;
  boost::gregorian::date last_first = data.first_day;
  for (const lifecycle::customer_summary& c : data.customers) {
    returning += c.x > 0;
    last_first = std::max(last_first, c.first_purchase);
  }
  // Days counted inclusively: 1997-01-01 .. 1997-09-30 is 273 days, 39 weeks.
  const double calibration_length =
      static_cast<double>((data.calibration_end - data.first_day).days() + 1) / unit_days;
  const bool has_holdout = data.holdout_end > data.calibration_end;

  fmt::print("lifecycle fit: {}\n\nData\n", *events);
  fmt::print("  rows            {} ({} purchases used", thousands(data.rows), thousands(data.purchases));
  if (data.duplicates) fmt::print(", {} duplicates", thousands(data.duplicates));
  if (data.refunded) fmt::print(", {} refunded", thousands(data.refunded));
  if (data.other_events) fmt::print(", {} other events", thousands(data.other_events));
  fmt::print(")\n");
  fmt::print("  customers       {} who first bought {} .. {}", thousands(data.customers.size()), day(data.first_day),
             day(last_first));
  if (data.late_customers) fmt::print(" ({} more first bought later)", thousands(data.late_customers));
  fmt::print("\n  transactions    same-day purchases merged: {}\n", thousands(data.same_day_merged));
  fmt::print("  calibration     {} .. {} ({:.1f} {}s): {} repeat transactions by {} customers\n", day(data.first_day),
             day(data.calibration_end), calibration_length, unit, thousands(data.calibration_repeats()),
             thousands(returning));
  if (has_holdout)
    fmt::print("  holdout         {} .. {} ({:.1f} {}s): {} repeat transactions\n",
               day(data.calibration_end + boost::gregorian::days(1)), day(data.holdout_end), data.holdout_length(),
               unit, thousands(data.holdout_repeats()));
  else
    fmt::print("  holdout         none: no purchase after the calibration end\n");

  std::vector<fitted> models;
  std::vector<lifecycle::holdout_comparison> comparisons;
  try {
    if (want_bgnbd) {
      const lifecycle::bgnbd_fit f = lifecycle::fit_bgnbd(data.customers, fit);
      models.push_back({"bgnbd", "BG/NBD (Fader, Hardie & Lee 2005)",
                        {{"r", f.params.r, f.std_errors.r},
                         {"alpha", f.params.alpha, f.std_errors.alpha},
                         {"a", f.params.a, f.std_errors.a},
                         {"b", f.params.b, f.std_errors.b}},
                        f.report});
      comparisons.push_back(lifecycle::compare_holdout(data, f.params));
    }
    if (want_pareto) {
      const lifecycle::pareto_nbd_fit f = lifecycle::fit_pareto_nbd(data.customers, fit);
      models.push_back({"pareto_nbd", "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)",
                        {{"r", f.params.r, f.std_errors.r},
                         {"alpha", f.params.alpha, f.std_errors.alpha},
                         {"s", f.params.s, f.std_errors.s},
                         {"beta", f.params.beta, f.std_errors.beta}},
                        f.report});
      comparisons.push_back(lifecycle::compare_holdout(data, f.params));
    }
  } catch (const lifecycle::error& e) {
    return errors.fail(e);
  }
  for (const fitted& m : models) print_model(m, options.unit);

  // The spend model, when purchases carry amounts.
  std::optional<lifecycle::gamma_gamma_fit> spend;
  try {
    spend = lifecycle::fit_gamma_gamma(data.customers, fit);
  } catch (const lifecycle::error& e) {
    fmt::print("\nGamma-Gamma spend: not fitted ({})\n", e.what());
  }
  if (spend) {
    fitted m{"gamma_gamma",
             fmt::format("Gamma-Gamma spend per transaction (Fader & Hardie 2013), {} customers with repeat purchases",
                         thousands(spend->report.customers)),
             {{"p", spend->params.p, spend->std_errors.p},
              {"q", spend->params.q, spend->std_errors.q},
              {"gamma", spend->params.gamma, spend->std_errors.gamma}},
             spend->report,
             spend->left_out};
    print_model(m, options.unit);
    if (spend->left_out)
      fmt::print("  left out: {} {} whose repeat purchases are worth 0\n", thousands(spend->left_out),
                 spend->left_out == 1 ? "customer" : "customers");
    fmt::print("  expected spend per transaction of a new customer: {:.2f}\n",
               lifecycle::gamma_gamma_expected_spend(spend->params, 0, 0));
    models.push_back(std::move(m));
  }

  if (has_holdout && !comparisons.empty() && comparisons.front().holdout.empty())
    fmt::print("\nHoldout: shorter than a week, no comparison\n");
  if (has_holdout && !comparisons.empty() && !comparisons.front().holdout.empty()) {
    fmt::print("\nHoldout: cumulative repeat transactions after {}, by week\n", day(data.calibration_end));
    fmt::print("  forecast: the sum of every customer's expected purchases given their history;\n");
    fmt::print("  from 1st: the model's curve from each customer's first purchase (as in the papers' figures)\n");
    fmt::print("  {:>4}  {:<10}  {:>7}", "week", "ending", "actual");
    for (const auto& c : comparisons) fmt::print("  {:>10} {:>9}", c.model, "from 1st");
    fmt::print("\n");
    for (std::size_t w = 0; w < comparisons.front().holdout.size(); ++w) {
      const lifecycle::holdout_week& h = comparisons.front().holdout[w];
      fmt::print("  {:>4}  {:<10}  {:>7}", h.week, day(h.last_day), thousands(static_cast<std::uint64_t>(h.actual)));
      for (const auto& c : comparisons)
        fmt::print("  {:>10.1f} {:>9.1f}", c.holdout[w].conditional, c.holdout[w].unconditional);
      fmt::print("\n");
    }
    fmt::print("  {:<25}", "mean abs. error");
    for (const auto& c : comparisons) fmt::print("  {:>9.1f}% {:>8.1f}%", c.conditional_mape, c.unconditional_mape);
    fmt::print("\n  {:<25}", fmt::format("error at week {}", comparisons.front().holdout.back().week));
    for (const auto& c : comparisons)
      fmt::print("  {:>+9.1f}% {:>+8.1f}%", c.conditional_end_error, c.unconditional_end_error);
    fmt::print("\n");
    const lifecycle::tracking_week& end = comparisons.front().tracking.back();
    fmt::print("  from the first purchase to {}: actual {}", day(end.last_day),
               thousands(static_cast<std::uint64_t>(end.actual)));
    for (const auto& c : comparisons)
      fmt::print("; {} {:.0f} ({:+.1f}%)", c.model, c.tracking.back().predicted,
                 100 * (c.tracking.back().predicted - end.actual) / end.actual);
    fmt::print("\n");
  }
  std::fflush(stdout);

  bool ok = true;
  if (json) {
    std::string s = "{\n";
    s += fmt::format("  \"events\": {},\n  \"unit\": {},\n  \"calibration_end\": {},\n  \"holdout_end\": {},\n",
                     json_string(*events), json_string(unit), json_string(day(data.calibration_end)),
                     json_string(day(data.holdout_end)));
    s += fmt::format(
        "  \"data\": {{\"rows\": {}, \"purchases\": {}, \"duplicates\": {}, \"refunded\": {}, \"same_day_merged\": {}, "
        "\"customers\": {}, \"customers_with_repeats\": {}, \"late_customers\": {}, \"first_purchase\": {}, "
        "\"calibration_repeats\": {}, \"holdout_repeats\": {}}},\n",
        data.rows, data.purchases, data.duplicates, data.refunded, data.same_day_merged, data.customers.size(),
        returning, data.late_customers, json_string(day(data.first_day)), data.calibration_repeats(),
        data.holdout_repeats());
    s += "  \"models\": {";
    for (std::size_t i = 0; i < models.size(); ++i) {
      const lifecycle::holdout_comparison* c = i < comparisons.size() ? &comparisons[i] : nullptr;
      s += fmt::format("{}\n    {}: {}", i ? "," : "", json_string(models[i].key), model_json(models[i], c));
    }
    s += "\n  },\n  \"holdout\": [";
    if (!comparisons.empty()) {
      for (std::size_t w = 0; w < comparisons.front().holdout.size(); ++w) {
        const lifecycle::holdout_week& h = comparisons.front().holdout[w];
        s += fmt::format("{}\n    {{\"week\": {}, \"last_day\": {}, \"actual\": {}", w ? "," : "", h.week,
                         json_string(day(h.last_day)), json_number(h.actual));
        for (std::size_t m = 0; m < comparisons.size(); ++m)
          s += fmt::format(", {}: {{\"forecast\": {}, \"from_first_purchase\": {}}}", json_string(models[m].key),
                           json_number(comparisons[m].holdout[w].conditional),
                           json_number(comparisons[m].holdout[w].unconditional));
        s += "}";
      }
    }
    s += "\n  ],\n  \"tracking\": [";
    if (!comparisons.empty()) {
      for (std::size_t w = 0; w < comparisons.front().tracking.size(); ++w) {
        const lifecycle::tracking_week& t = comparisons.front().tracking[w];
        s += fmt::format("{}\n    {{\"week\": {}, \"last_day\": {}, \"actual\": {}", w ? "," : "", t.week,
                         json_string(day(t.last_day)), json_number(t.actual));
        for (std::size_t m = 0; m < comparisons.size(); ++m)
          s += fmt::format(", {}: {}", json_string(models[m].key), json_number(comparisons[m].tracking[w].predicted));
        s += "}";
      }
    }
    s += "\n  ]\n}\n";
    ok &= write_file(*json, "the JSON report", s);
  }
  if (svg) {
    const std::string title = fmt::format("Cumulative repeat transactions: {}", *events);
    ok &= write_file(*svg, "the plot", lifecycle::render_tracking_svg(comparisons, title));
  }
  if (!ok) return 2;
  for (const fitted& m : models)
    if (!m.report.converged) return 1;
  return 0;
}
