/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application's filtering HTTP proxy. Sandboxed tools reach the network
 * only through it (CONNECT for TLS, absolute-form requests for plain HTTP).
 * For every connection it asks the decide function — the permission broker —
 * while holding the client, resolves the name itself, refuses loopback,
 * private and link-local addresses unless the decision explicitly allows
 * them, refuses addresses the policy denies (an address func: a denied IP
 * or CIDR applies to what an allowed name resolves to), and connects to
 * the very address it checked, so a name that resolves differently a
 * second time cannot redirect the tool. */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "da-http-head-private.h"
#include "da-net-proxy.h"
#include "da-tool-error.h"

#define CONNECT_TIMEOUT_SECONDS 30

struct _DaNetProxy
{
  GObject               parent_instance;

  GSocketService       *service;
  GCancellable         *cancellable;
  GHashTable           *connections;
  DaNetProxyDecideFunc  decide_func;
  gpointer              decide_data;
  GDestroyNotify        decide_destroy;
  DaNetProxyAddressFunc address_func;
  gpointer              address_data;
  GDestroyNotify        address_destroy;
  guint                 max_connections;
};

typedef enum { PENDING, ALLOWED, DENIED } Decision;

struct _DaNetProxyRequest
{
  GObject     parent_instance;

  DaNetProxy *proxy;   /* weak: the connection keeps the proxy alive */
  gpointer    conn;
  char       *method;
  char       *host;
  guint16     port;
  Decision    decision;
  gboolean    private_addresses;
  char       *reason;
};

typedef struct
{
  DaNetProxy        *proxy;
  GSocketConnection *client;
  GIOStream         *upstream;
  GByteArray        *buf;
  DaHttpHead        *head;
  DaNetProxyRequest *request;
  GList             *addresses;
  GList             *next_address;
} Conn;

G_DEFINE_FINAL_TYPE (DaNetProxy, da_net_proxy, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (DaNetProxyRequest, da_net_proxy_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_CONNECTIONS,
  PROP_N_CONNECTIONS,
  N_PROPS
};

enum {
  DECIDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void conn_read_head (Conn *conn);
static void conn_connect_next (Conn *conn);

/* Request objects */

static void
da_net_proxy_request_finalize (GObject *object)
{
  DaNetProxyRequest *self = (DaNetProxyRequest *)object;

  g_free (self->method);
  g_free (self->host);
  g_free (self->reason);

  G_OBJECT_CLASS (da_net_proxy_request_parent_class)->finalize (object);
}

static void
da_net_proxy_request_class_init (DaNetProxyRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = da_net_proxy_request_finalize;
}

static void
da_net_proxy_request_init (DaNetProxyRequest *self)
{
}

const char *
da_net_proxy_request_get_host (DaNetProxyRequest *self)
{
  g_return_val_if_fail (DA_IS_NET_PROXY_REQUEST (self), NULL);
  return self->host;
}

guint16
da_net_proxy_request_get_port (DaNetProxyRequest *self)
{
  g_return_val_if_fail (DA_IS_NET_PROXY_REQUEST (self), 0);
  return self->port;
}

const char *
da_net_proxy_request_get_method (DaNetProxyRequest *self)
{
  g_return_val_if_fail (DA_IS_NET_PROXY_REQUEST (self), NULL);
  return self->method;
}

/* Address classification */

static gboolean
ipv4_is_private (const guint8 *b)
{
  return b[0] == 0 ||                                  /* this network */
         b[0] == 10 ||                                 /* private */
         b[0] == 127 ||                                /* loopback */
         (b[0] == 100 && (b[1] & 0xc0) == 64) ||       /* shared (CGNAT) */
         (b[0] == 169 && b[1] == 254) ||               /* link-local */
         (b[0] == 172 && (b[1] & 0xf0) == 16) ||       /* private */
         (b[0] == 192 && b[1] == 0 && b[2] == 0) ||    /* IETF protocol */
         (b[0] == 192 && b[1] == 168) ||               /* private */
         (b[0] == 198 && (b[1] & 0xfe) == 18) ||       /* benchmarking */
         b[0] >= 224;                                  /* multicast, reserved, broadcast */
}

/**
 * da_net_address_is_private:
 *
 * Returns: %TRUE for loopback, private, link-local, shared, multicast,
 *   unspecified and reserved addresses, including their IPv4-mapped and
 *   IPv4-compatible IPv6 forms
 */
gboolean
da_net_address_is_private (GInetAddress *address)
{
  const guint8 *b;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), TRUE);

  b = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return ipv4_is_private (b);

  {
    static const guint8 zeros[10] = { 0 };

    /* ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, includes :: and ::1) */
    if (memcmp (b, zeros, 10) == 0 &&
        ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0)))
      return ipv4_is_private (b + 12);
  }
  /* 64:ff9b::/96 NAT64 embeds IPv4 */
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
    return ipv4_is_private (b + 12);
  return (b[0] & 0xfe) == 0xfc ||                 /* unique local fc00::/7 */
         (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || /* link-local fe80::/10 */
         (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) || /* site-local fec0::/10 */
         b[0] == 0xff ||                          /* multicast */
         (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) || /* documentation */
         (b[0] == 0x20 && b[1] == 0x02 && ipv4_is_private (b + 2)); /* 6to4 of a private v4 */
}

/* Connections */

static void
conn_free (Conn *conn)
{
  DaNetProxy *proxy = conn->proxy;

  g_hash_table_remove (proxy->connections, conn);
  if (conn->request != NULL)
    conn->request->conn = NULL;
  g_clear_object (&conn->request);
  g_clear_object (&conn->client);
  g_clear_object (&conn->upstream);
  g_clear_pointer (&conn->buf, g_byte_array_unref);
  g_clear_pointer (&conn->head, _da_http_head_free);
  g_list_free_full (conn->addresses, g_object_unref);
  g_free (conn);

  g_object_notify_by_pspec (G_OBJECT (proxy), properties[PROP_N_CONNECTIONS]);
  g_object_unref (proxy);
}

static void
reply_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Conn *conn = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn->client), NULL, NULL);
  conn_free (conn);
}

/* Ends the connection with an HTTP error the tool can show. */
static void
conn_fail (Conn       *conn,
           guint       status,
           const char *phrase,
           const char *message)
{
  g_autofree char *body = g_strdup_printf ("DenoAgents proxy: %s\n", message);
  g_autofree char *reply = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn->client));

  reply = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                           "Content-Type: text/plain; charset=utf-8\r\n"
                           "Content-Length: %zu\r\n"
                           "Connection: close\r\n\r\n%s",
                           status, phrase, strlen (body), body);
  /* The buffer must outlive the write: keep it on the connection. */
  g_byte_array_set_size (conn->buf, 0);
  g_byte_array_append (conn->buf, (const guint8 *)reply, strlen (reply));
  g_output_stream_write_all_async (out, conn->buf->data, conn->buf->len, G_PRIORITY_DEFAULT,
                                   conn->proxy->cancellable, reply_written_cb, conn);
}

static void
splice_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Conn *conn = user_data;

  g_io_stream_splice_finish (result, NULL);
  conn_free (conn);
}

static void
preamble_written_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_io_stream_close (G_IO_STREAM (conn->client), NULL, NULL);
      conn_free (conn);
      return;
    }

  g_io_stream_splice_async (G_IO_STREAM (conn->client), conn->upstream,
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 |
                            G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, conn->proxy->cancellable,
                            splice_done_cb, conn);
}

static void
established_written_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GError) error = NULL;
  GOutputStream *up = g_io_stream_get_output_stream (conn->upstream);
  gsize extra = conn->buf->len - conn->head->head_len;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_io_stream_close (conn->upstream, NULL, NULL);
      conn_free (conn);
      return;
    }

  /* Bytes the client sent right after its CONNECT (a TLS hello) go first. */
  g_byte_array_remove_range (conn->buf, 0, conn->head->head_len);
  conn->head->head_len = 0;
  g_output_stream_write_all_async (up, conn->buf->data, extra, G_PRIORITY_DEFAULT,
                                   conn->proxy->cancellable, preamble_written_cb, conn);
}

static void
conn_start_relay (Conn *conn)
{
  if (g_str_equal (conn->head->method, "CONNECT"))
    {
      static const char established[] = "HTTP/1.1 200 Connection established\r\n\r\n";
      GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn->client));

      g_output_stream_write_all_async (out, established, strlen (established),
                                       G_PRIORITY_DEFAULT, conn->proxy->cancellable,
                                       established_written_cb, conn);
    }
  else
    {
      g_autoptr(GString) head = g_string_new (NULL);
      gboolean v6 = strchr (conn->head->host, ':') != NULL;
      GOutputStream *up = g_io_stream_get_output_stream (conn->upstream);
      gsize extra = conn->buf->len - conn->head->head_len;

      g_string_append_printf (head, "%s %s %s\r\nHost: %s%s%s",
                              conn->head->method, conn->head->path, conn->head->version,
                              v6 ? "[" : "", conn->head->host, v6 ? "]" : "");
      if (conn->head->port != 80)
        g_string_append_printf (head, ":%u", conn->head->port);
      g_string_append (head, "\r\n");
      for (guint i = 0; i < conn->head->headers->len; i++)
        g_string_append_printf (head, "%s\r\n", (char *)g_ptr_array_index (conn->head->headers, i));
      g_string_append (head, "Connection: close\r\n\r\n");
      g_string_append_len (head, (const char *)conn->buf->data + conn->head->head_len, extra);

      g_byte_array_set_size (conn->buf, 0);
      g_byte_array_append (conn->buf, (const guint8 *)head->str, head->len);
      g_output_stream_write_all_async (up, conn->buf->data, conn->buf->len, G_PRIORITY_DEFAULT,
                                       conn->proxy->cancellable, preamble_written_cb, conn);
    }
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *upstream;

  upstream = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (upstream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          conn_free (conn);
          return;
        }
      if (conn->next_address != NULL)
        {
          conn_connect_next (conn);
          return;
        }
      conn_fail (conn, 502, "Bad Gateway", error->message);
      return;
    }

  conn->upstream = G_IO_STREAM (upstream);
  conn_start_relay (conn);
}

static void
conn_connect_next (Conn *conn)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = NULL;
  GInetAddress *inet = conn->next_address->data;

  conn->next_address = conn->next_address->next;
  g_socket_client_set_timeout (client, CONNECT_TIMEOUT_SECONDS);
  /* Never let a system proxy or GIO's proxy resolver choose another path. */
  g_socket_client_set_enable_proxy (client, FALSE);
  address = g_inet_socket_address_new (inet, conn->head->port);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address),
                                 conn->proxy->cancellable, connected_cb, conn);
}

static void
conn_use_addresses (Conn  *conn,
                    GList *addresses)
{
  DaNetProxy *proxy = conn->proxy;
  GList *usable = NULL;
  gboolean had_private = FALSE;
  g_autofree char *refused = NULL;

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      GInetAddress *a = l->data;
      g_autofree char *why = NULL;

      if (!conn->request->private_addresses && da_net_address_is_private (a))
        {
          had_private = TRUE;
          continue;
        }
      /* A name allowed by the policy may still resolve to an address it
       * denies: rules on addresses apply to the address connected to. */
      if (proxy->address_func != NULL &&
          !proxy->address_func (proxy, conn->request, a, conn->head->port, &why,
                                proxy->address_data))
        {
          if (refused == NULL)
            {
              g_autofree char *text = g_inet_address_to_string (a);

              refused = g_strdup_printf ("%s resolves to %s, which is denied%s%s", conn->head->host,
                                         text, why ? ": " : "", why ? why : "");
            }
          continue;
        }
      usable = g_list_append (usable, g_object_ref (a));
    }

  if (usable == NULL)
    {
      g_autofree char *message =
        refused != NULL ? g_strdup (refused) :
        had_private
          ? g_strdup_printf ("%s resolves to a loopback, private or link-local address, "
                             "which needs an explicit permission", conn->head->host)
          : g_strdup_printf ("%s has no address", conn->head->host);

      conn_fail (conn, 403, "Forbidden", message);
      return;
    }

  conn->addresses = usable;
  conn->next_address = usable;
  conn_connect_next (conn);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  if (addresses == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          conn_free (conn);
          return;
        }
      conn_fail (conn, 502, "Bad Gateway", error->message);
      return;
    }

  conn_use_addresses (conn, addresses);
  g_resolver_free_addresses (addresses);
}

static void
conn_decided (Conn *conn)
{
  DaNetProxyRequest *request = conn->request;
  g_autoptr(GInetAddress) literal = NULL;

  g_signal_emit (conn->proxy, signals[DECIDED], 0,
                 request->host, (guint)request->port,
                 request->decision == ALLOWED, request->reason);

  if (request->decision != ALLOWED)
    {
      g_autofree char *message =
        g_strdup_printf ("connection to %s:%u denied%s%s", request->host, request->port,
                         request->reason ? ": " : "", request->reason ? request->reason : "");

      conn_fail (conn, 403, "Forbidden", message);
      return;
    }

  literal = g_inet_address_new_from_string (conn->head->host);
  if (literal != NULL)
    {
      GList one = { literal, NULL, NULL };

      conn_use_addresses (conn, &one);
      return;
    }

  {
    g_autoptr(GResolver) resolver = g_resolver_get_default ();

    g_resolver_lookup_by_name_async (resolver, conn->head->host, conn->proxy->cancellable,
                                     resolved_cb, conn);
  }
}

static void
request_answer (DaNetProxyRequest *self,
                Decision           decision,
                gboolean           private_addresses,
                const char        *reason)
{
  g_return_if_fail (DA_IS_NET_PROXY_REQUEST (self));

  if (self->decision != PENDING)
    return;
  self->decision = decision;
  self->private_addresses = private_addresses;
  g_free (self->reason);
  self->reason = g_strdup (reason);
  if (self->conn != NULL)
    conn_decided (self->conn);
}

/**
 * da_net_proxy_request_allow:
 * @private_addresses: whether the permission that allowed this host names
 *   it explicitly, so that loopback and private addresses may be reached
 */
void
da_net_proxy_request_allow (DaNetProxyRequest *self,
                            gboolean           private_addresses)
{
  request_answer (self, ALLOWED, private_addresses, NULL);
}

void
da_net_proxy_request_deny (DaNetProxyRequest *self,
                           const char        *reason)
{
  request_answer (self, DENIED, FALSE, reason);
}

static void
conn_got_head (Conn *conn)
{
  g_autoptr(GError) error = NULL;
  DaNetProxy *self = conn->proxy;
  DaNetProxyRequest *request;

  conn->head = _da_http_head_parse ((const char *)conn->buf->data, conn->buf->len, &error);
  if (conn->head == NULL)
    {
      conn_fail (conn, 400, "Bad Request", error->message);
      return;
    }

  request = g_object_new (DA_TYPE_NET_PROXY_REQUEST, NULL);
  request->proxy = self;
  request->conn = conn;
  request->method = g_strdup (conn->head->method);
  request->host = g_strdup (conn->head->host);
  request->port = conn->head->port;
  conn->request = request;

  if (self->decide_func == NULL)
    {
      da_net_proxy_request_deny (request, "no permission broker is attached");
      return;
    }
  self->decide_func (self, request, self->decide_data);
}

static void
head_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_io_stream_close (G_IO_STREAM (conn->client), NULL, NULL);
      conn_free (conn);
      return;
    }

  g_byte_array_append (conn->buf, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (_da_http_head_find_end ((const char *)conn->buf->data, conn->buf->len) >= 0)
    conn_got_head (conn);
  else if (conn->buf->len >= DA_HTTP_HEAD_MAX)
    conn_fail (conn, 431, "Request Header Fields Too Large", "request head too large");
  else
    conn_read_head (conn);
}

static void
conn_read_head (Conn *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn->client));

  g_input_stream_read_bytes_async (in, 4096, G_PRIORITY_DEFAULT, conn->proxy->cancellable,
                                   head_read_cb, conn);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             DaNetProxy        *self)
{
  Conn *conn = g_new0 (Conn, 1);

  conn->proxy = g_object_ref (self);
  conn->client = g_object_ref (connection);
  conn->buf = g_byte_array_new ();
  g_hash_table_add (self->connections, conn);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CONNECTIONS]);

  if (self->max_connections > 0 && g_hash_table_size (self->connections) > self->max_connections)
    {
      g_autofree char *message =
        g_strdup_printf ("the tool may hold at most %u connections at once", self->max_connections);

      conn_fail (conn, 503, "Service Unavailable", message);
      return TRUE;
    }

  conn_read_head (conn);
  return TRUE;
}

/* Object */

static void
da_net_proxy_dispose (GObject *object)
{
  DaNetProxy *self = (DaNetProxy *)object;

  da_net_proxy_stop (self);

  G_OBJECT_CLASS (da_net_proxy_parent_class)->dispose (object);
}

static void
da_net_proxy_finalize (GObject *object)
{
  DaNetProxy *self = (DaNetProxy *)object;

  if (self->decide_destroy != NULL)
    self->decide_destroy (self->decide_data);
  if (self->address_destroy != NULL)
    self->address_destroy (self->address_data);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (da_net_proxy_parent_class)->finalize (object);
}

static void
da_net_proxy_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DaNetProxy *self = DA_NET_PROXY (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;
    case PROP_N_CONNECTIONS:
      g_value_set_uint (value, da_net_proxy_get_n_connections (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_net_proxy_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DaNetProxy *self = DA_NET_PROXY (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      da_net_proxy_set_max_connections (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_net_proxy_class_init (DaNetProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_net_proxy_dispose;
  object_class->finalize = da_net_proxy_finalize;
  object_class->get_property = da_net_proxy_get_property;
  object_class->set_property = da_net_proxy_set_property;

  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_CONNECTIONS] =
    g_param_spec_uint ("n-connections", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DaNetProxy::decided:
   * @host: the host the tool asked for
   * @port: the port
   * @allowed: the decision
   * @reason: (nullable): why it was denied
   *
   * Emitted for every decision, for the audit log and the dashboard.
   */
  signals[DECIDED] =
    g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_UINT, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
da_net_proxy_init (DaNetProxy *self)
{
  self->service = g_socket_service_new ();
  self->cancellable = g_cancellable_new ();
  self->connections = g_hash_table_new (NULL, NULL);
  g_signal_connect_object (self->service, "incoming", G_CALLBACK (incoming_cb), self, 0);
}

DaNetProxy *
da_net_proxy_new (void)
{
  return g_object_new (DA_TYPE_NET_PROXY, NULL);
}

void
da_net_proxy_set_decide_func (DaNetProxy           *self,
                              DaNetProxyDecideFunc  func,
                              gpointer              user_data,
                              GDestroyNotify        destroy)
{
  g_return_if_fail (DA_IS_NET_PROXY (self));

  if (self->decide_destroy != NULL)
    self->decide_destroy (self->decide_data);
  self->decide_func = func;
  self->decide_data = user_data;
  self->decide_destroy = destroy;
}

/**
 * da_net_proxy_set_address_func:
 * @func: (nullable): checks each address an allowed host resolves to
 *
 * Without one, every address of an allowed host may be used (loopback,
 * private and link-local ones only for explicitly allowed hosts).
 */
void
da_net_proxy_set_address_func (DaNetProxy            *self,
                               DaNetProxyAddressFunc  func,
                               gpointer               user_data,
                               GDestroyNotify         destroy)
{
  g_return_if_fail (DA_IS_NET_PROXY (self));

  if (self->address_destroy != NULL)
    self->address_destroy (self->address_data);
  self->address_func = func;
  self->address_data = user_data;
  self->address_destroy = destroy;
}

guint
da_net_proxy_get_max_connections (DaNetProxy *self)
{
  g_return_val_if_fail (DA_IS_NET_PROXY (self), 0);
  return self->max_connections;
}

/**
 * da_net_proxy_set_max_connections:
 * @max_connections: connections open at once; 0 for no limit
 */
void
da_net_proxy_set_max_connections (DaNetProxy *self,
                                  guint       max_connections)
{
  g_return_if_fail (DA_IS_NET_PROXY (self));

  if (self->max_connections == max_connections)
    return;
  self->max_connections = max_connections;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONNECTIONS]);
}

guint
da_net_proxy_get_n_connections (DaNetProxy *self)
{
  g_return_val_if_fail (DA_IS_NET_PROXY (self), 0);
  return self->connections ? g_hash_table_size (self->connections) : 0;
}

/**
 * da_net_proxy_listen_unix:
 * @path: a filesystem path for the socket (replaced if it exists)
 *
 * The sandbox bridges a loopback port inside its network namespace to this
 * socket.
 */
gboolean
da_net_proxy_listen_unix (DaNetProxy  *self,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (DA_IS_NET_PROXY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_file_test (path, G_FILE_TEST_EXISTS) && g_unlink (path) != 0 && errno != ENOENT)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot replace %s: %s", path, g_strerror (errno));
      return FALSE;
    }
  address = g_unix_socket_address_new (path);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                      NULL, NULL, error))
    return FALSE;
  g_chmod (path, 0600);
  g_socket_service_start (self->service);
  return TRUE;
}

/**
 * da_net_proxy_listen_loopback:
 *
 * Listens on a free port of 127.0.0.1 (for tools run without a network
 * namespace, where Landlock limits them to this port).
 *
 * Returns: the port, or 0 with @error set
 */
guint16
da_net_proxy_listen_loopback (DaNetProxy  *self,
                              GError     **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  g_return_val_if_fail (DA_IS_NET_PROXY (self), 0);

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, error))
    return 0;
  g_socket_service_start (self->service);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

/**
 * da_net_proxy_stop:
 *
 * Stops listening and cuts every connection.
 */
void
da_net_proxy_stop (DaNetProxy *self)
{
  g_return_if_fail (DA_IS_NET_PROXY (self));

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  /* Connections still waiting for a decision end now. */
  if (self->connections != NULL)
    {
      g_autoptr(GPtrArray) pending = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->connections);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          Conn *conn = key;

          if (conn->request != NULL && conn->request->decision == PENDING)
            g_ptr_array_add (pending, g_object_ref (conn->request));
        }
      for (guint i = 0; i < pending->len; i++)
        {
          da_net_proxy_request_deny (g_ptr_array_index (pending, i), "the proxy stopped");
          g_object_unref (g_ptr_array_index (pending, i));
        }
    }
}
