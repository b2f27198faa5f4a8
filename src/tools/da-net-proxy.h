/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DA_TYPE_NET_PROXY (da_net_proxy_get_type ())
#define DA_TYPE_NET_PROXY_REQUEST (da_net_proxy_request_get_type ())

G_DECLARE_FINAL_TYPE (DaNetProxy, da_net_proxy, DA, NET_PROXY, GObject)
G_DECLARE_FINAL_TYPE (DaNetProxyRequest, da_net_proxy_request, DA, NET_PROXY_REQUEST, GObject)

/**
 * DaNetProxyDecideFunc:
 * @proxy: the proxy
 * @request: the pending request; answer it with
 *   da_net_proxy_request_allow() or da_net_proxy_request_deny(), now or
 *   later (the client's connection is held until then)
 * @user_data: closure
 *
 * Asked once for every connection a sandboxed tool opens.
 */
typedef void (*DaNetProxyDecideFunc) (DaNetProxy        *proxy,
                                      DaNetProxyRequest *request,
                                      gpointer           user_data);

/**
 * DaNetProxyAddressFunc:
 * @proxy: the proxy
 * @request: the allowed request whose host resolved to @address
 * @address: one address the host resolved to (or its literal address)
 * @port: the port to connect to
 * @reason: (out) (optional): why @address is refused
 * @user_data: closure
 *
 * Asked, after a request was allowed, for every address the proxy would
 * connect to, so that rules on addresses (a denied IP or CIDR) apply to
 * what a permitted name resolves to.
 *
 * Returns: %FALSE to refuse @address
 */
typedef gboolean (*DaNetProxyAddressFunc) (DaNetProxy        *proxy,
                                           DaNetProxyRequest *request,
                                           GInetAddress      *address,
                                           guint16            port,
                                           char             **reason,
                                           gpointer           user_data);

DaNetProxy  *da_net_proxy_new                  (void);
void         da_net_proxy_set_address_func     (DaNetProxy            *self,
                                                DaNetProxyAddressFunc  func,
                                                gpointer               user_data,
                                                GDestroyNotify         destroy);
void         da_net_proxy_set_decide_func      (DaNetProxy            *self,
                                                DaNetProxyDecideFunc   func,
                                                gpointer               user_data,
                                                GDestroyNotify         destroy);
guint        da_net_proxy_get_max_connections  (DaNetProxy            *self);
void         da_net_proxy_set_max_connections  (DaNetProxy            *self,
                                                guint                  max_connections);
guint        da_net_proxy_get_n_connections    (DaNetProxy            *self);
gboolean     da_net_proxy_listen_unix          (DaNetProxy            *self,
                                                const char            *path,
                                                GError               **error);
guint16      da_net_proxy_listen_loopback      (DaNetProxy            *self,
                                                GError               **error);
void         da_net_proxy_stop                 (DaNetProxy            *self);

const char  *da_net_proxy_request_get_host     (DaNetProxyRequest     *self);
guint16      da_net_proxy_request_get_port     (DaNetProxyRequest     *self);
const char  *da_net_proxy_request_get_method   (DaNetProxyRequest     *self);
void         da_net_proxy_request_allow        (DaNetProxyRequest     *self,
                                                gboolean               private_addresses);
void         da_net_proxy_request_deny         (DaNetProxyRequest     *self,
                                                const char            *reason);

gboolean     da_net_address_is_private         (GInetAddress          *address);

G_END_DECLS
