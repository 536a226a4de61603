// SPDX-License-Identifier: MIT
#pragma once
#include "alter/alter.h"
