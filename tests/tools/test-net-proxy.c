/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "da-http-head-private.h"
#include "da-net-proxy.h"
#include "da-tool-context.h"
#include "da-tool-error.h"

typedef enum { ALLOW_PUBLIC, ALLOW_PRIVATE, DENY, ASK_LATER } Policy;

typedef struct
{
  DaNetProxy *proxy;
  guint16     proxy_port;
  SoupServer *upstream;
  guint16     upstream_port;
  Policy      policy;
  GPtrArray  *decided;   /* "host:port allowed|denied" */
  GPtrArray  *asked;     /* hosts asked */
} Fixture;

static void
upstream_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  g_autofree char *body =
    g_strdup_printf ("hello from upstream path=%s host=%s proxy-auth=%s",
                     path, soup_message_headers_get_one (h, "Host"),
                     soup_message_headers_get_one (h, "Proxy-Authorization") ? "leaked" : "none");

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, body, strlen (body));
}

static gboolean
allow_later_cb (gpointer data)
{
  da_net_proxy_request_allow (data, TRUE);
  return G_SOURCE_REMOVE;
}

static void
decide_cb (DaNetProxy        *proxy,
           DaNetProxyRequest *request,
           gpointer           user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->asked, g_strdup (da_net_proxy_request_get_host (request)));
  switch (f->policy)
    {
    case ALLOW_PUBLIC:
      da_net_proxy_request_allow (request, FALSE);
      break;
    case ALLOW_PRIVATE:
      da_net_proxy_request_allow (request, TRUE);
      break;
    case DENY:
      da_net_proxy_request_deny (request, "not in the allow list");
      break;
    case ASK_LATER:
      g_timeout_add_full (G_PRIORITY_DEFAULT, 200, allow_later_cb,
                          g_object_ref (request), g_object_unref);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
decided_cb (DaNetProxy *proxy,
            const char *host,
            guint       port,
            gboolean    allowed,
            const char *reason,
            Fixture    *f)
{
  g_ptr_array_add (f->decided, g_strdup_printf ("%s:%u %s", host, port, allowed ? "allowed" : "denied"));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->decided = g_ptr_array_new_with_free_func (g_free);
  f->asked = g_ptr_array_new_with_free_func (g_free);
  f->upstream = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->upstream, NULL, upstream_cb, NULL, NULL);
  soup_server_listen_local (f->upstream, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->upstream);
  f->upstream_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  f->proxy = da_net_proxy_new ();
  if (data == NULL)
    da_net_proxy_set_decide_func (f->proxy, decide_cb, f, NULL);
  g_signal_connect (f->proxy, "decided", G_CALLBACK (decided_cb), f);
  f->proxy_port = da_net_proxy_listen_loopback (f->proxy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->proxy_port, >, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  da_net_proxy_stop (f->proxy);
  /* Let cancelled operations finish so every connection is released. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->proxy);
  g_clear_object (&f->upstream);
  g_ptr_array_unref (f->decided);
  g_ptr_array_unref (f->asked);
}

/* A blocking client in a thread, so the proxy can run on the main loop. */
typedef struct
{
  guint16     port;
  char       *request;
  char       *tunnel_request;  /* sent after a 200 to CONNECT */
  gboolean    hold;            /* keep the connection open until released */
  GString    *response;
  gboolean    done;
  gboolean    connected;
  gboolean    release;
} Client;

static gpointer
client_thread (gpointer data)
{
  Client *c = data;
  g_autoptr(GSocketClient) sc = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  GInputStream *in;
  GOutputStream *out;
  char buf[4096];
  gssize n;

  c->response = g_string_new (NULL);
  conn = g_socket_client_connect_to_host (sc, "127.0.0.1", c->port, NULL, NULL);
  g_assert_nonnull (conn);
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_output_stream_write_all (out, c->request, strlen (c->request), NULL, NULL, NULL);

  if (c->tunnel_request != NULL || c->hold)
    {
      /* Read the proxy's own answer to CONNECT first. */
      while (strstr (c->response->str, "\r\n\r\n") == NULL &&
             (n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
        g_string_append_len (c->response, buf, n);
      g_atomic_int_set (&c->connected, TRUE);
      g_main_context_wakeup (NULL);
      if (c->hold)
        while (!g_atomic_int_get (&c->release))
          g_usleep (10000);
      if (c->tunnel_request != NULL && g_str_has_prefix (c->response->str, "HTTP/1.1 200"))
        g_output_stream_write_all (out, c->tunnel_request, strlen (c->tunnel_request), NULL, NULL, NULL);
    }

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (c->response, buf, n);

  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_atomic_int_set (&c->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static GThread *
client_start (Client *c)
{
  return g_thread_new ("client", client_thread, c);
}

static void
client_wait (Client  *c,
             GThread *thread)
{
  while (!g_atomic_int_get (&c->done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
}

static char *
roundtrip (Fixture    *f,
           const char *request,
           const char *tunnel_request)
{
  Client c = { f->proxy_port, (char *)request, (char *)tunnel_request };
  GThread *t = client_start (&c);

  client_wait (&c, t);
  return g_string_free (c.response, FALSE);
}

static void
wake_main_context (void)
{
  g_main_context_wakeup (NULL);
}

static void
test_connect_tunnel (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *req = g_strdup_printf ("CONNECT 127.0.0.1:%u HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n",
                                          f->upstream_port, f->upstream_port);
  g_autofree char *resp = NULL;

  f->policy = ALLOW_PRIVATE;
  resp = roundtrip (f, req, "GET /hi HTTP/1.1\r\nHost: up\r\nConnection: close\r\n\r\n");
  g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 200 Connection established\r\n\r\n"));
  g_assert_nonnull (strstr (resp, "hello from upstream path=/hi"));
  g_assert_cmpuint (f->decided->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->asked, 0), ==, "127.0.0.1");
}

static void
test_plain_http (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *req = g_strdup_printf ("GET http://127.0.0.1:%u/hi?x=1 HTTP/1.1\r\n"
                                          "Host: evil.example\r\n"
                                          "Proxy-Authorization: Basic c2VjcmV0\r\n"
                                          "Accept: */*\r\n\r\n", f->upstream_port);
  g_autofree char *resp = NULL;
  g_autofree char *expected_host = g_strdup_printf ("host=127.0.0.1:%u", f->upstream_port);

  f->policy = ALLOW_PRIVATE;
  resp = roundtrip (f, req, NULL);
  g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 200"));
  g_assert_nonnull (strstr (resp, "hello from upstream path=/hi"));
  /* Host is rewritten from the checked authority; proxy credentials never pass. */
  g_assert_nonnull (strstr (resp, expected_host));
  g_assert_nonnull (strstr (resp, "proxy-auth=none"));
}

static void
test_private_refused (Fixture       *f,
                      gconstpointer  data)
{
  const char *hosts[] = { "127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]", "[::1]" };

  f->policy = ALLOW_PUBLIC;
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *req = g_strdup_printf ("CONNECT %s:%u HTTP/1.1\r\n\r\n", hosts[i], f->upstream_port);
      g_autofree char *resp = roundtrip (f, req, "GET /hi HTTP/1.1\r\n\r\n");

      g_test_message ("%s → %.40s", hosts[i], resp);
      g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 403") || g_str_has_prefix (resp, "HTTP/1.1 502"));
      g_assert_null (strstr (resp, "hello from upstream"));
    }
}

static void
test_denied (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *req = g_strdup_printf ("GET http://127.0.0.1:%u/hi HTTP/1.1\r\n\r\n", f->upstream_port);
  g_autofree char *resp = NULL;
  g_autofree char *expected = g_strdup_printf ("127.0.0.1:%u denied", f->upstream_port);

  f->policy = DENY;
  resp = roundtrip (f, req, NULL);
  g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 403"));
  g_assert_nonnull (strstr (resp, "not in the allow list"));
  g_assert_cmpstr (g_ptr_array_index (f->decided, 0), ==, expected);
}

static void
test_held_while_asking (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *req = g_strdup_printf ("GET http://127.0.0.1:%u/held HTTP/1.1\r\n\r\n", f->upstream_port);
  g_autofree char *resp = NULL;

  f->policy = ASK_LATER;
  resp = roundtrip (f, req, NULL);
  g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 200"));
  g_assert_nonnull (strstr (resp, "path=/held"));
}

static void
test_no_broker (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *req = g_strdup_printf ("GET http://127.0.0.1:%u/hi HTTP/1.1\r\n\r\n", f->upstream_port);
  g_autofree char *resp = roundtrip (f, req, NULL);

  g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 403"));
  g_assert_nonnull (strstr (resp, "no permission broker"));
}

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  const char *bad[] = {
    "GET /relative HTTP/1.1\r\n\r\n",
    "CONNECT example.com HTTP/1.1\r\n\r\n",
    "GET http://user:pw@example.com/ HTTP/1.1\r\n\r\n",
    "GET https://example.com/ HTTP/1.1\r\n\r\n",
    "CONNECT example.com:99999 HTTP/1.1\r\n\r\n",
    "GET http://example.com/ HTTP/2\r\n\r\n",
    "GET http://example.com/ HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
  };

  f->policy = ALLOW_PRIVATE;
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *resp = roundtrip (f, bad[i], NULL);

      g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 400"));
    }
  g_assert_cmpuint (f->asked->len, ==, 0);
}

static void
test_max_connections (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *req = g_strdup_printf ("CONNECT 127.0.0.1:%u HTTP/1.1\r\n\r\n", f->upstream_port);
  Client held = { f->proxy_port, req, (char *)"GET /a HTTP/1.1\r\nHost: up\r\nConnection: close\r\n\r\n", TRUE };
  GThread *t;
  g_autofree char *second = NULL;

  f->policy = ALLOW_PRIVATE;
  da_net_proxy_set_max_connections (f->proxy, 1);
  t = client_start (&held);
  while (!g_atomic_int_get (&held.connected))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_str_has_prefix (held.response->str, "HTTP/1.1 200"));

  second = roundtrip (f, req, NULL);
  g_assert_true (g_str_has_prefix (second, "HTTP/1.1 503"));
  g_assert_nonnull (strstr (second, "at most 1 connections"));

  g_atomic_int_set (&held.release, TRUE);
  wake_main_context ();
  client_wait (&held, t);
  g_assert_nonnull (strstr (held.response->str, "hello from upstream path=/a"));
  g_string_free (held.response, TRUE);
}

/* Rules on addresses apply to what a permitted name resolves to: the
 * tool context (the agent's rules and the broker's) is asked for every
 * address before the proxy connects. */
typedef struct
{
  DaToolContext *context;
  GPtrArray     *refused;   /* "address:port" */
} AddressCheck;

static gboolean
address_cb (DaNetProxy         *proxy,
            DaNetProxyRequest  *request,
            GInetAddress       *address,
            guint16             port,
            char              **reason,
            gpointer            user_data)
{
  AddressCheck *check = user_data;
  g_autofree char *target = NULL;

  if (!da_tool_context_address_denied (check->context, address, port, &target, reason))
    return TRUE;
  g_ptr_array_add (check->refused, g_steal_pointer (&target));
  return FALSE;
}

static DaPermissions *
permissions_from (const char *allow,
                  const char *deny)
{
  g_autoptr(DaPermissions) permissions = da_permissions_new ("/");
  g_autoptr(GError) error = NULL;

  if (allow != NULL)
    da_permissions_add_flag (permissions, "allow-net", allow, &error);
  g_assert_no_error (error);
  if (deny != NULL)
    da_permissions_add_flag (permissions, "deny-net", deny, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&permissions);
}

static void
test_denied_address (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *other_port = g_strdup_printf ("127.0.0.1:%u", (guint) f->upstream_port + 1);
  g_autofree char *this_port = g_strdup_printf ("127.0.0.1:%u", (guint) f->upstream_port);
  const struct {
    const char *host;
    const char *deny;           /* in the tool's own permissions */
    const char *broker_deny;    /* in the broker's rules for the agent */
    gboolean    refused;
  } cases[] = {
    { "localhost", NULL, NULL, FALSE },
    { "localhost", "127.0.0.0/8", NULL, TRUE },
    { "localhost", "127.0.0.1", NULL, TRUE },
    { "localhost", "2130706433", NULL, TRUE },       /* decimal form of 127.0.0.1 */
    { "localhost", NULL, "127.0.0.0/8", TRUE },
    { "localhost", "10.0.0.0/8", NULL, FALSE },
    { "localhost", other_port, NULL, FALSE },
    { "localhost", this_port, NULL, TRUE },
    { "localhost", "127.0.0.0/8,::1", NULL, TRUE },
    { "127.0.0.1", "127.0.0.0/8", NULL, TRUE },      /* a literal address, allowed by the decider */
  };
  g_autoptr(DaSandboxRunner) runner = da_sandbox_runner_new (NULL);

  f->policy = ALLOW_PRIVATE;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DaPermissions) own = permissions_from ("localhost", cases[i].deny);
      g_autoptr(DaPermissions) ruled = permissions_from ("localhost", cases[i].broker_deny);
      g_autoptr(DaPermissionBroker) broker = da_permission_broker_new (NULL);
      g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(DaToolContext) context = NULL;
      g_autofree char *req = g_strdup_printf ("CONNECT %s:%u HTTP/1.1\r\n\r\n", cases[i].host,
                                              f->upstream_port);
      g_autofree char *resp = NULL;
      g_autofree char *expected = g_strdup_printf ("127.0.0.1:%u", f->upstream_port);
      AddressCheck check;

      da_permission_broker_set_permissions (broker, "planner", ruled);
      context = da_tool_context_new ("planner", "fetch_url", own, runner, broker);
      check.context = context;
      check.refused = refused;
      da_net_proxy_set_address_func (f->proxy, address_cb, &check, NULL);

      resp = roundtrip (f, req, "GET /hi HTTP/1.1\r\nHost: up\r\nConnection: close\r\n\r\n");
      g_test_message ("%s deny=%s broker-deny=%s → %.80s", cases[i].host, cases[i].deny,
                      cases[i].broker_deny, resp);
      da_net_proxy_set_address_func (f->proxy, NULL, NULL, NULL);

      if (cases[i].refused)
        {
          g_assert_null (strstr (resp, "hello from upstream"));
          g_assert_false (g_str_has_prefix (resp, "HTTP/1.1 200"));
          g_assert_true (g_ptr_array_find_with_equal_func (refused, expected, g_str_equal, NULL));
        }
      else
        {
          g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 200"));
          g_assert_nonnull (strstr (resp, "hello from upstream path=/hi"));
          g_assert_cmpuint (refused->len, ==, 0);
        }
    }

  /* With every address of the name denied, the refusal names the
   * address and the rule. */
  {
    g_autoptr(DaPermissions) own = permissions_from ("localhost", "127.0.0.0/8,::1");
    g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(DaToolContext) context = da_tool_context_new ("planner", "fetch_url", own, runner, NULL);
    g_autofree char *req = g_strdup_printf ("GET http://localhost:%u/x HTTP/1.1\r\n\r\n",
                                            f->upstream_port);
    g_autofree char *resp = NULL;
    AddressCheck check = { context, refused };

    da_net_proxy_set_address_func (f->proxy, address_cb, &check, NULL);
    resp = roundtrip (f, req, NULL);
    da_net_proxy_set_address_func (f->proxy, NULL, NULL, NULL);
    g_test_message ("%s", resp);
    g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 403"));
    g_assert_nonnull (strstr (resp, "localhost resolves to "));
    g_assert_nonnull (strstr (resp, ", which is denied"));
    g_assert_null (strstr (resp, "hello from upstream"));
  }
}

static void
test_private_addresses (void)
{
  const struct { const char *addr; gboolean priv; } cases[] = {
    { "127.0.0.1", TRUE }, { "10.1.2.3", TRUE }, { "172.16.0.1", TRUE },
    { "172.32.0.1", FALSE }, { "192.168.1.1", TRUE }, { "169.254.169.254", TRUE },
    { "100.64.0.1", TRUE }, { "0.0.0.0", TRUE }, { "224.0.0.1", TRUE },
    { "255.255.255.255", TRUE }, { "8.8.8.8", FALSE }, { "93.184.216.34", FALSE },
    { "::1", TRUE }, { "::", TRUE }, { "::ffff:127.0.0.1", TRUE },
    { "::ffff:10.0.0.1", TRUE }, { "::ffff:8.8.8.8", FALSE }, { "fe80::1", TRUE },
    { "fc00::1", TRUE }, { "fd12:3456::1", TRUE }, { "ff02::1", TRUE },
    { "64:ff9b::7f00:1", TRUE }, { "2002:7f00:1::", TRUE },
    { "2606:4700:4700::1111", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) a = g_inet_address_new_from_string (cases[i].addr);

      g_assert_nonnull (a);
      if (da_net_address_is_private (a) != cases[i].priv)
        g_error ("%s: expected %s", cases[i].addr, cases[i].priv ? "private" : "public");
    }
}

static void
test_head_parse (void)
{
  const char req[] = "CONNECT API.Example.COM.:443 HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\nTLSDATA";
  g_autoptr(GError) error = NULL;
  g_autoptr(DaHttpHead) head = _da_http_head_parse (req, strlen (req), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (head->method, ==, "CONNECT");
  g_assert_cmpstr (head->host, ==, "api.example.com");
  g_assert_cmpuint (head->port, ==, 443);
  g_assert_cmpuint (head->headers->len, ==, 1);
  g_assert_cmpstr (req + head->head_len, ==, "TLSDATA");

  {
    const char v6[] = "GET http://[2001:db8::1]:8080 HTTP/1.0\n\n";
    g_autoptr(DaHttpHead) h = _da_http_head_parse (v6, strlen (v6), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (h->host, ==, "2001:db8::1");
    g_assert_cmpuint (h->port, ==, 8080);
    g_assert_cmpstr (h->path, ==, "/");
  }
  {
    const char nul[] = "GET http://a/ HTTP/1.1\r\nX: \0\r\n\r\n";
    g_autoptr(DaHttpHead) h = _da_http_head_parse (nul, sizeof nul - 1, &error);

    g_assert_null (h);
    g_assert_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  g_assert_cmpint (_da_http_head_find_end ("GET / HTTP/1.1\r\n", 16), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tools/net-proxy/private-addresses", test_private_addresses);
  g_test_add_func ("/tools/net-proxy/head-parse", test_head_parse);
  g_test_add ("/tools/net-proxy/connect-tunnel", Fixture, NULL, fixture_setup, test_connect_tunnel, fixture_teardown);
  g_test_add ("/tools/net-proxy/plain-http", Fixture, NULL, fixture_setup, test_plain_http, fixture_teardown);
  g_test_add ("/tools/net-proxy/private-refused", Fixture, NULL, fixture_setup, test_private_refused, fixture_teardown);
  g_test_add ("/tools/net-proxy/denied", Fixture, NULL, fixture_setup, test_denied, fixture_teardown);
  g_test_add ("/tools/net-proxy/held-while-asking", Fixture, NULL, fixture_setup, test_held_while_asking, fixture_teardown);
  g_test_add ("/tools/net-proxy/no-broker", Fixture, GINT_TO_POINTER (1), fixture_setup, test_no_broker, fixture_teardown);
  g_test_add ("/tools/net-proxy/bad-requests", Fixture, NULL, fixture_setup, test_bad_requests, fixture_teardown);
  g_test_add ("/tools/net-proxy/max-connections", Fixture, NULL, fixture_setup, test_max_connections, fixture_teardown);
  g_test_add ("/tools/net-proxy/denied-address", Fixture, NULL, fixture_setup, test_denied_address, fixture_teardown);

  return g_test_run ();
}
