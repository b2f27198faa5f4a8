/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-provider.h"

G_BEGIN_DECLS

#define DA_TYPE_ANTHROPIC_PROVIDER (da_anthropic_provider_get_type ())

G_DECLARE_FINAL_TYPE (DaAnthropicProvider, da_anthropic_provider, DA, ANTHROPIC_PROVIDER, DaProvider)

DaProvider *da_anthropic_provider_new (const char *base_url);

G_END_DECLS
