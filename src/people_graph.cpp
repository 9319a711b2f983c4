// The people graph: the engine's person links as two compressed sparse row
// graphs (payer -> beneficiary, referrer -> referred). CSR because the graphs
// are big and sparse (millions of persons, few links each) and built once:
// two flat arrays per direction, no allocation per vertex or edge.

#include "lifecycle/people_graph.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/pending/queue.hpp>
#include <boost/property_map/property_map.hpp>
#include <fmt/format.h>

#include "lifecycle/engine.hpp"
#include "lifecycle/error.hpp"

namespace lifecycle {

namespace {

/// How many links of one kind join the same two persons.
struct link_count {
  std::uint32_t n = 0;
};

// Bidirectional: out-edges answer "beneficiaries", in-edges "payers".
// 32-bit vertex and edge indices keep the arrays at 4 bytes an entry.
using csr_graph = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property, link_count,
                                                     boost::no_property, std::uint32_t, std::uint32_t>;
using vertex = boost::graph_traits<csr_graph>::vertex_descriptor;

struct kind_graph {
  csr_graph g;
  std::uint64_t links = 0;
  std::uint64_t edges = 0;
};

/// Sorts the links of one kind, merges repeats into counts, builds the CSR.
kind_graph build_kind(std::size_t persons, std::span<const person_link> links, link_kind kind) {
  std::vector<std::uint64_t> keys;
  for (const person_link& l : links)
    if (l.kind == kind && l.from != l.to) keys.push_back(std::uint64_t{l.from.value} << 32 | l.to.value);
  std::sort(keys.begin(), keys.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<link_count> counts;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    pairs.emplace_back(static_cast<std::uint32_t>(keys[i] >> 32), static_cast<std::uint32_t>(keys[i]));
    counts.push_back({static_cast<std::uint32_t>(std::min<std::size_t>(j - i, 0xffffffffu))});
    i = j;
  }
  kind_graph k{csr_graph(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), counts.begin(),
                         static_cast<std::uint32_t>(persons)),
               keys.size(), pairs.size()};
  return k;
}

std::vector<person_id> sorted_ids(std::vector<person_id> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

struct people_graph::impl {
  std::size_t persons = 0;
  kind_graph paid, referral;
  std::vector<bool> customer;
  double seconds = 0;

  impl(std::size_t n, std::span<const person_link> links, std::vector<bool> customers)
      : persons(n),
        paid(build_kind(n, links, link_kind::paid_for)),
        referral(build_kind(n, links, link_kind::referred)),
        customer(std::move(customers)) {}

  bool has(person_id p) const { return p.valid() && p.value < persons; }

  const kind_graph& of(link_kind k) const { return k == link_kind::paid_for ? paid : referral; }

  std::vector<person_id> out(const csr_graph& g, person_id p) const {
    std::vector<person_id> v;
    if (!has(p)) return v;
    for (auto [it, end] = boost::adjacent_vertices(p.value, g); it != end; ++it) v.emplace_back(*it);
    return sorted_ids(std::move(v));
  }

  std::vector<person_id> in(const csr_graph& g, person_id p) const {
    std::vector<person_id> v;
    if (!has(p)) return v;
    for (auto [it, end] = boost::in_edges(p.value, g); it != end; ++it) v.emplace_back(boost::source(*it, g));
    return sorted_ids(std::move(v));
  }

  /// Breadth-first from p over referrals; calls f for every vertex reached but p.
  template <class F>
  void each_reached(person_id p, F&& f) const {
    if (!has(p)) return;
    // A sparse colour map: a search touches what it reaches, not all persons.
    std::unordered_map<vertex, boost::default_color_type> colours;
    boost::associative_property_map<decltype(colours)> colour(colours);
    struct visitor : boost::default_bfs_visitor {
      vertex start;
      F* f;
      void discover_vertex(vertex v, const csr_graph&) const {
        if (v != start) (*f)(v);
      }
    };
    visitor vis;
    vis.start = p.value;
    vis.f = &f;
    boost::queue<vertex> q;
    boost::breadth_first_visit(referral.g, p.value, q, vis, colour);
  }

  referral_reach reach(person_id p) const {
    referral_reach r;
    each_reached(p, [&](vertex v) {
      ++r.persons;
      if (customer[v]) ++r.customers;
    });
    return r;
  }
};

people_graph::people_graph() : impl_(std::make_unique<impl>(0, std::span<const person_link>{}, std::vector<bool>{})) {}

people_graph::people_graph(const engine& eng) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = eng.interned_persons();
  std::vector<bool> customers(n);
  for (std::size_t i = 0; i < n; ++i) customers[i] = eng.converted(person_id{static_cast<std::uint32_t>(i)});
  impl_ = std::make_unique<impl>(n, eng.links(), std::move(customers));
  impl_->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

people_graph::people_graph(std::size_t persons, std::span<const person_link> links,
                           std::span<const person_id> customers) {
  const auto t0 = std::chrono::steady_clock::now();
  if (persons >= 0xffffffffu) throw error(errc::invalid_argument, "people_graph: too many persons");
  for (const person_link& l : links)
    if (!l.from.valid() || !l.to.valid() || l.from.value >= persons || l.to.value >= persons)
      throw error(errc::invalid_argument,
                  fmt::format("people_graph: a link names handle {} -> {}, outside the {} persons", l.from.value,
                              l.to.value, persons));
  std::vector<bool> flags(persons);
  for (person_id c : customers)
    if (c.valid() && c.value < persons) flags[c.value] = true;
  impl_ = std::make_unique<impl>(persons, links, std::move(flags));
  impl_->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

people_graph::~people_graph() = default;
people_graph::people_graph(people_graph&&) noexcept = default;
people_graph& people_graph::operator=(people_graph&&) noexcept = default;

std::size_t people_graph::persons() const noexcept { return impl_->persons; }
std::uint64_t people_graph::links(link_kind k) const noexcept { return impl_->of(k).links; }
std::uint64_t people_graph::edges(link_kind k) const noexcept { return impl_->of(k).edges; }

std::uint64_t people_graph::sources(link_kind k) const noexcept {
  const csr_graph& g = impl_->of(k).g;
  std::uint64_t c = 0;
  for (std::uint32_t v = 0; v < impl_->persons; ++v) c += boost::out_degree(v, g) > 0;
  return c;
}

std::uint64_t people_graph::targets(link_kind k) const noexcept {
  const csr_graph& g = impl_->of(k).g;
  std::uint64_t c = 0;
  for (std::uint32_t v = 0; v < impl_->persons; ++v) c += boost::in_degree(v, g) > 0;
  return c;
}

std::vector<person_id> people_graph::beneficiaries(person_id payer) const { return impl_->out(impl_->paid.g, payer); }
std::vector<person_id> people_graph::payers(person_id user) const { return impl_->in(impl_->paid.g, user); }
std::vector<person_id> people_graph::referred(person_id p) const { return impl_->out(impl_->referral.g, p); }
std::vector<person_id> people_graph::referrers(person_id p) const { return impl_->in(impl_->referral.g, p); }

referral_reach people_graph::reach(person_id p) const { return impl_->reach(p); }

std::vector<person_id> people_graph::reach_set(person_id p) const {
  std::vector<person_id> v;
  impl_->each_reached(p, [&](vertex x) { v.emplace_back(x); });
  return sorted_ids(std::move(v));
}

std::vector<advocate> people_graph::top_advocates(std::size_t n) const {
  const csr_graph& g = impl_->referral.g;
  std::vector<advocate> all;
  for (std::uint32_t v = 0; v < impl_->persons; ++v) {
    if (boost::out_degree(v, g) == 0) continue;
    advocate a;
    a.who = person_id{v};
    for (auto [it, end] = boost::adjacent_vertices(v, g); it != end; ++it) {
      ++a.referred;  // CSR edges are distinct pairs: repeats were merged at build
      if (impl_->customer[*it]) ++a.referred_customers;
    }
    if (a.referred_customers > 0) all.push_back(a);
  }
  auto better = [](const advocate& x, const advocate& y) {
    if (x.referred_customers != y.referred_customers) return x.referred_customers > y.referred_customers;
    if (x.referred != y.referred) return x.referred > y.referred;
    return x.who < y.who;
  };
  const std::size_t k = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), better);
  all.resize(k);
  for (advocate& a : all) a.reach = impl_->reach(a.who);
  return all;
}

bool people_graph::customer(person_id p) const noexcept { return impl_->has(p) && impl_->customer[p.value]; }

double people_graph::build_seconds() const noexcept { return impl_->seconds; }

std::size_t people_graph::bytes() const noexcept {
  // Per direction: a row-start entry per person, a column entry per edge; the
  // forward side holds the counts, the backward side an edge index per edge.
  std::size_t b = impl_->customer.capacity() / 8;
  for (const kind_graph* k : {&impl_->paid, &impl_->referral})
    b += 2 * (impl_->persons + 1) * sizeof(std::uint32_t) + k->edges * 4 * sizeof(std::uint32_t);
  return b;
}

}  // namespace lifecycle
