// The holdout comparison. Sums over customers are grouped: the unconditional
// curve by first-purchase day, the conditional forecast by (x, T), with
// P(alive) summed inside each (x, T) group (see detail/model_parts.hpp).

#include "lifecycle/holdout.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <fmt/format.h>

#include "detail/model_parts.hpp"
#include "lifecycle/error.hpp"

namespace lifecycle {

namespace {

double percent_error(double forecast, double actual) { return 100.0 * (forecast - actual) / actual; }

template <class PAlive, class IfAlive, class New>
holdout_comparison compare(const calibration_summary& s, std::string model, PAlive p_alive, IfAlive if_alive,
                           New expected_new) {
  if (s.customers.empty()) throw error(errc::invalid_argument, "holdout comparison: the summary has no customers");
  holdout_comparison out;
  out.model = std::move(model);
  const double unit_days = days_per(s.unit);
  const long cal = (s.calibration_end - s.first_day).days();   // offset of the calibration end
  const long hold = (s.holdout_end - s.first_day).days();      // offset of the holdout end

  // Actual: cumulative repeat transactions up to and including each day.
  std::vector<double> cumulative(s.repeat_by_day.size() + 1, 0.0);  // cumulative[d + 1] = through day d
  for (std::size_t d = 0; d < s.repeat_by_day.size(); ++d) cumulative[d + 1] = cumulative[d] + s.repeat_by_day[d];
  auto actual_through = [&](long day) {
    const long i = std::clamp<long>(day + 1, 0, static_cast<long>(cumulative.size()) - 1);
    return cumulative[static_cast<std::size_t>(i)];
  };

  // Unconditional: customers by first-purchase day.
  std::map<long, double> by_first_day;
  for (const customer_summary& c : s.customers) by_first_day[(c.first_purchase - s.first_day).days()] += 1;
  auto unconditional_through = [&](long day) {
    double sum = 0;
    for (const auto& [first, n] : by_first_day) {
      if (first > day) break;
      sum += n * expected_new(static_cast<double>(day - first) / unit_days);
    }
    return sum;
  };

  // Conditional: P(alive) summed by (x, T).
  std::map<std::pair<double, double>, double> alive_by_x_T;
  for (const customer_summary& c : s.customers) alive_by_x_T[{double(c.x), c.T}] += p_alive(c);

  const long calibration_weeks = (cal + 1) / 7;
  const long holdout_weeks = (hold - cal) / 7;
  const double at_calibration_end = actual_through(cal);
  const double unconditional_at_end = unconditional_through(cal);
  for (long k = std::min(1 - calibration_weeks, 1L); k <= holdout_weeks; ++k) {
    const long day = cal + 7 * k;
    tracking_week w;
    w.week = static_cast<int>(k);
    w.last_day = s.first_day + boost::gregorian::days(day);
    w.actual = actual_through(day);
    w.predicted = k == 0 ? unconditional_at_end : unconditional_through(day);
    out.tracking.push_back(w);
    if (k < 1) continue;
    holdout_week h;
    h.week = static_cast<int>(k);
    h.last_day = w.last_day;
    h.actual = w.actual - at_calibration_end;
    h.unconditional = w.predicted - unconditional_at_end;
    const double t = 7.0 * static_cast<double>(k) / unit_days;
    for (const auto& [key, alive] : alive_by_x_T) h.conditional += alive * if_alive(t, key.first, key.second);
    out.holdout.push_back(h);
  }

  int counted = 0;
  for (const holdout_week& h : out.holdout) {
    if (h.actual <= 0) continue;
    out.conditional_mape += std::abs(percent_error(h.conditional, h.actual));
    out.unconditional_mape += std::abs(percent_error(h.unconditional, h.actual));
    ++counted;
  }
  if (counted > 0) {
    out.conditional_mape /= counted;
    out.unconditional_mape /= counted;
  }
  if (!out.holdout.empty() && out.holdout.back().actual > 0) {
    out.conditional_end_error = percent_error(out.holdout.back().conditional, out.holdout.back().actual);
    out.unconditional_end_error = percent_error(out.holdout.back().unconditional, out.holdout.back().actual);
  }
  return out;
}

// A round step for about `count` ticks over [0, top].
double tick_step(double top, int count) {
  if (!(top > 0)) return 1;
  const double raw = top / count;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw) return m * power;
  return 10 * power;
}

// Actual cumulative repeat transactions at the calibration end (week 0).
double at_calibration_end(const holdout_comparison& m) {
  for (const tracking_week& w : m.tracking)
    if (w.week == 0) return w.actual;
  return 0;
}

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

holdout_comparison compare_holdout(const calibration_summary& summary, const bgnbd_params& params) {
  return compare(
      summary, "BG/NBD", [&](const customer_summary& c) { return bgnbd_p_alive(params, c); },
      [&](double t, double x, double T) { return detail::bgnbd_expected_if_alive(params, t, x, T); },
      [&](double t) { return bgnbd_expected_purchases_new(params, t); });
}

holdout_comparison compare_holdout(const calibration_summary& summary, const pareto_nbd_params& params) {
  return compare(
      summary, "Pareto/NBD", [&](const customer_summary& c) { return pareto_nbd_p_alive(params, c); },
      [&](double t, double x, double T) { return detail::pareto_nbd_expected_if_alive(params, t, x, T); },
      [&](double t) { return pareto_nbd_expected_purchases_new(params, t); });
}

std::string render_tracking_svg(std::span<const holdout_comparison> models, std::string_view title) {
  constexpr double width = 820, height = 500, left = 80, right = 30, top = 50, bottom = 60;
  constexpr double plot_w = width - left - right, plot_h = height - top - bottom;
  static constexpr const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

  // x: weeks since the earliest first purchase, at each week's end; the
  // calibration end sits at week `cal_x`.
  const std::vector<tracking_week>* track = models.empty() ? nullptr : &models.front().tracking;
  double max_x = 1, max_y = 1, cal_x = 0;
  long first_week = 1;
  if (track && !track->empty()) {
    first_week = track->front().week;
    cal_x = static_cast<double>(1 - first_week);
    max_x = static_cast<double>(track->back().week - first_week + 1);
  }
  for (const holdout_comparison& m : models) {
    for (const tracking_week& w : m.tracking) max_y = std::max({max_y, w.actual, w.predicted});
    for (const holdout_week& h : m.holdout) max_y = std::max(max_y, at_calibration_end(m) + h.conditional);
  }
  const double y_step = tick_step(max_y, 6), x_step = tick_step(max_x, 8);
  const double y_top = std::ceil(max_y / y_step) * y_step;
  auto px = [&](double x) { return left + plot_w * x / max_x; };
  auto py = [&](double y) { return top + plot_h * (1 - y / y_top); };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">{3}</text>\n",
      width, height, left + plot_w / 2, escape(title));
  // Grid and axes.
  for (double y = 0; y <= y_top + 1e-9; y += y_step) {
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e0e0e0\"/>\n", left,
                       py(y), left + plot_w, py(y));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, py(y) + 4,
                       fmt::format("{:.0f}", y));
  }
  for (double x = 0; x <= max_x + 1e-9; x += x_step) {
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#e0e0e0\"/>\n",
                       px(x), top, top + plot_h);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:.0f}</text>\n", px(x),
                       top + plot_h + 18, x);
  }
  svg += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#444\"/>\n", left,
      top, plot_w, plot_h);
  const std::string x_label =
      track && !track->empty()
          ? fmt::format("weeks (week 1 ends {})", boost::gregorian::to_iso_extended_string(track->front().last_day))
          : std::string("weeks");
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + plot_w / 2,
                     height - 18, x_label);
  svg += fmt::format(
      "<text x=\"18\" y=\"{0:.1f}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {0:.1f})\">cumulative repeat "
      "transactions</text>\n",
      top + plot_h / 2);
  if (track) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#888\" stroke-dasharray=\"2,3\"/>\n"
        "<text x=\"{3:.1f}\" y=\"{4:.1f}\" fill=\"#666\">calibration end</text>\n",
        px(cal_x), top, top + plot_h, px(cal_x) + 4, top + 14);
  }

  auto polyline = [&](const std::vector<std::pair<double, double>>& points, const char* color, const char* dash,
                      double stroke_width) {
    std::string pts;
    for (const auto& [x, y] : points) pts += fmt::format("{:.1f},{:.1f} ", px(x), py(y));
    if (!pts.empty()) pts.pop_back();
    return fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{} points=\"{}\"/>\n", color,
                       stroke_width, dash[0] ? fmt::format(" stroke-dasharray=\"{}\"", dash) : "", pts);
  };
  std::vector<std::string> legend;
  if (track) {
    std::vector<std::pair<double, double>> actual{{0.0, 0.0}};
    for (const tracking_week& w : *track) actual.emplace_back(static_cast<double>(w.week - first_week + 1), w.actual);
    svg += polyline(actual, "#000", "", 2);
    legend.push_back(fmt::format("{}|{}|{}", "#000", "", "actual"));
  }
  for (std::size_t i = 0; i < models.size(); ++i) {
    const holdout_comparison& m = models[i];
    const char* color = colors[i % 4];
    std::vector<std::pair<double, double>> unconditional{{0.0, 0.0}};
    for (const tracking_week& w : m.tracking)
      unconditional.emplace_back(static_cast<double>(w.week - first_week + 1), w.predicted);
    const double base = at_calibration_end(m);
    svg += polyline(unconditional, color, "7,4", 1.5);
    legend.push_back(fmt::format("{}|7,4|{} (from each first purchase)", color, escape(m.model)));
    if (!m.holdout.empty()) {
      std::vector<std::pair<double, double>> conditional{{cal_x, base}};
      for (const holdout_week& h : m.holdout) conditional.emplace_back(cal_x + h.week, base + h.conditional);
      svg += polyline(conditional, color, "2,3", 2);
      legend.push_back(fmt::format("{}|2,3|{} (given each history)", color, escape(m.model)));
    }
  }
  double ly = top + 16;
  for (const std::string& entry : legend) {
    const auto bar1 = entry.find('|'), bar2 = entry.find('|', bar1 + 1);
    const std::string color = entry.substr(0, bar1), dash = entry.substr(bar1 + 1, bar2 - bar1 - 1);
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2\"{}/>\n",
                       left + 12, ly - 4, left + 42, ly - 4, color,
                       dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", dash));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", left + 48, ly, entry.substr(bar2 + 1));
    ly += 18;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace lifecycle
