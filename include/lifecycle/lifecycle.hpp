#pragma once
/// \file lifecycle.hpp
/// The whole public API in one include.

#include "lifecycle/calendar.hpp"
#include "lifecycle/engine.hpp"
#include "lifecycle/error.hpp"
#include "lifecycle/event.hpp"
#include "lifecycle/event_csv.hpp"
#include "lifecycle/event_kind.hpp"
#include "lifecycle/generator.hpp"
#include "lifecycle/money.hpp"
#include "lifecycle/person_id.hpp"
#include "lifecycle/person_state.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/policy_file.hpp"
#include "lifecycle/profile.hpp"
#include "lifecycle/report.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/scenario.hpp"
#include "lifecycle/snapshot.hpp"
#include "lifecycle/stage.hpp"
#include "lifecycle/transition.hpp"
#include "lifecycle/version.hpp"
