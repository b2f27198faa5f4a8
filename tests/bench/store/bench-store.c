/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Store figures:
 *  1. finished messages appended per second, each da_store_add_message()
 *     its own transaction (autocommit, WAL, synchronous=NORMAL) — the shape
 *     the app uses, since a message is written when it is finished;
 *  2. da_store_search() latency over N messages of generated text
 *     (default 1,000,000), by kind of query, with p50 / p95 / max.
 *
 *   bench-store [N_MESSAGES] [N_APPENDS] [CORPUS_FILE]
 *
 * With CORPUS_FILE the search corpus is kept there and reused by the next
 * run with the same N_MESSAGES (building a million messages takes minutes).
 *
 * The text is generated deterministically: a Zipf-distributed vocabulary
 * of English-like words in sentences of 5–60 words. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <time.h>

#include "da-store-all.h"
#include "da-store-private.h"

#define N_CONVERSATIONS 2000
#define N_QUERIES_PER_KIND 200
#define VOCABULARY 20000

static const char * const syllables[] = {
  "ka", "lo", "mi", "ne", "ri", "ta", "su", "ve", "po", "da", "en", "or", "an", "is",
  "ul", "ex", "ing", "tion", "er", "al", "con", "pre", "st", "ra", "bo", "gi", "fe", "th",
};

typedef struct
{
  char   **words;
  double  *cumulative;
  GRand   *rand;
} Text;

static void
text_init (Text *text)
{
  double total = 0;

  text->rand = g_rand_new_with_seed (20241124);
  text->words = g_new0 (char *, VOCABULARY);
  text->cumulative = g_new0 (double, VOCABULARY);
  for (guint i = 0; i < VOCABULARY; i++)
    {
      GString *word = g_string_new (NULL);
      guint n = 1 + g_rand_int_range (text->rand, 1, 4);

      for (guint s = 0; s < n; s++)
        g_string_append (word, syllables[g_rand_int_range (text->rand, 0, G_N_ELEMENTS (syllables))]);
      g_string_append_printf (word, "%c", 'a' + i % 26);
      text->words[i] = g_string_free (word, FALSE);
      total += 1.0 / (i + 1.0);
      text->cumulative[i] = total;
    }
  for (guint i = 0; i < VOCABULARY; i++)
    text->cumulative[i] /= total;
}

static void
text_clear (Text *text)
{
  for (guint i = 0; i < VOCABULARY; i++)
    g_free (text->words[i]);
  g_free (text->words);
  g_free (text->cumulative);
  g_rand_free (text->rand);
}

static guint
text_rank (Text *text)
{
  double u = g_rand_double (text->rand);
  guint lo = 0, hi = VOCABULARY - 1;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (text->cumulative[mid] < u)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static char *
text_sentence (Text *text)
{
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (text->rand, 5, 61);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, i % 9 == 0 ? ',' : ' ');
      if (i % 9 == 0 && i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, text->words[text_rank (text)]);
    }
  g_string_append_c (out, '.');
  return g_string_free (out, FALSE);
}

static DaStore *
open_fresh (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  DaStore *store;

  store = da_store_new (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  return store;
}

/* CPU time of the calling thread, in µs: the machine may be shared. */
static gint64
cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
bench_appends (Text       *text,
               const char *dir,
               guint       n)
{
  g_autoptr(DaStore) store = open_fresh (dir, "appends.sqlite3");
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gint64 conversation, start, elapsed, cpu_start, cpu;

  conversation = da_store_create_conversation (store, "appends", NULL, &error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *content = text_sentence (text);

      g_ptr_array_add (messages, da_message_new (i % 2 ? DA_ROLE_ASSISTANT : DA_ROLE_USER,
                                                 i % 2 ? "planner" : "user", content));
    }

  start = g_get_monotonic_time ();
  cpu_start = cpu_time ();
  for (guint i = 0; i < n; i++)
    if (!da_store_add_message (store, conversation, g_ptr_array_index (messages, i), &error))
      g_error ("%s", error->message);
  elapsed = g_get_monotonic_time () - start;
  cpu = cpu_time () - cpu_start;

  g_print ("appends: %u finished messages, one transaction each: %.0f messages/s wall "
           "(%.1f µs each); %.0f messages/s of this thread's CPU time (%.1f µs each)\n",
           n, n / (elapsed / 1e6), (double)elapsed / n, n / (cpu / 1e6), (double)cpu / n);

  start = g_get_monotonic_time ();
  da_store_flush (store);
  g_print ("appends: indexing them afterwards in one batch took %.1f ms\n",
           (g_get_monotonic_time () - start) / 1e3);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

typedef char *(*QueryMaker) (Text *text);

static char *
query_rare_word (Text *text)
{
  return g_strdup (text->words[g_rand_int_range (text->rand, 1000, VOCABULARY)]);
}

static char *
query_mid_word (Text *text)
{
  return g_strdup (text->words[g_rand_int_range (text->rand, 50, 1000)]);
}

static char *
query_two_words (Text *text)
{
  return g_strdup_printf ("%s %s", text->words[g_rand_int_range (text->rand, 20, 2000)],
                          text->words[g_rand_int_range (text->rand, 20, 2000)]);
}

static char *
query_phrase (Text *text)
{
  return g_strdup_printf ("\"%s %s\"", text->words[text_rank (text)], text->words[text_rank (text)]);
}

/* As you type: the first letters of a word, matched as a prefix. Every
 * query without a trailing space ends in a prefix, as typed. */
static char *
query_prefix (Text *text)
{
  const char *word = text->words[g_rand_int_range (text->rand, 0, 2000)];
  guint len = MIN (strlen (word), (guint)g_rand_int_range (text->rand, 4, 7));

  return g_strndup (word, len);
}

static char *
query_common_word (Text *text)
{
  return g_strdup (text->words[g_rand_int_range (text->rand, 0, 10)]);
}

/* The same, finished with a space: no longer a prefix. */
static char *
query_common_word_done (Text *text)
{
  return g_strdup_printf ("%s ", text->words[g_rand_int_range (text->rand, 0, 10)]);
}

static void
bench_search (Text       *text,
              const char *dir,
              const char *corpus_file,
              guint       n)
{
  static const struct { const char *name; QueryMaker make; } kinds[] = {
    { "rare word", query_rare_word },
    { "mid-frequency word", query_mid_word },
    { "two words", query_two_words },
    { "quoted phrase", query_phrase },
    { "prefix as typed", query_prefix },
    { "one of the 10 commonest words", query_common_word },
    { "the same followed by a space", query_common_word_done },
  };
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all_cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 conversations[N_CONVERSATIONS];
  gint64 start = g_get_monotonic_time ();
  gboolean reuse = FALSE;

  if (corpus_file != NULL)
    {
      reuse = g_file_test (corpus_file, G_FILE_TEST_EXISTS);
      store = da_store_new (corpus_file, &error);
      if (store == NULL)
        g_error ("%s", error->message);
      if (reuse)
        {
          sqlite3_stmt *count = NULL;

          sqlite3_prepare_v2 (store->db->handle, "SELECT count(*) FROM messages", -1, &count, NULL);
          sqlite3_step (count);
          reuse = (guint)sqlite3_column_int64 (count, 0) == n;
          sqlite3_finalize (count);
          if (!reuse)
            g_error ("%s does not hold %u messages", corpus_file, n);
          g_print ("search: reusing %s\n", corpus_file);
          /* Keep the query stream the same as a run that built it. */
          for (guint i = 0; i < n; i++)
            g_free (text_sentence (text));
        }
    }
  else
    store = open_fresh (dir, "search.sqlite3");

  for (guint i = 0; i < N_CONVERSATIONS && !reuse; i++)
    {
      g_autofree char *title = g_strdup_printf ("Conversation %u", i);

      conversations[i] = da_store_create_conversation (store, title, "bench", &error);
    }

  /* Building the corpus goes faster in batches; the search is what counts. */
  for (guint i = 0; i < n && !reuse; i++)
    {
      g_autofree char *content = text_sentence (text);
      g_autoptr(DaMessage) message = da_message_new (i % 2 ? DA_ROLE_ASSISTANT : DA_ROLE_USER,
                                                     i % 2 ? "planner" : "user", content);

      if (i % 20000 == 0 && !_da_db_exec (store->db, i == 0 ? "BEGIN" : "COMMIT; BEGIN", &error))
        g_error ("%s", error->message);
      if (!da_store_add_message (store, conversations[i % N_CONVERSATIONS], message, &error))
        g_error ("%s", error->message);
    }
  if (n > 0 && !reuse && !_da_db_exec (store->db, "COMMIT", &error))
    g_error ("%s", error->message);
  g_print ("search: stored %u messages in %.1f s\n", n, (g_get_monotonic_time () - start) / 1e6);

  start = g_get_monotonic_time ();
  da_store_flush (store);
  if (!_da_db_exec (store->db, "PRAGMA wal_checkpoint (TRUNCATE)", &error))
    g_error ("%s", error->message);
  g_print ("search: indexed them in one batch in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GArray) cpu_times = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint total_hits = 0;

      for (guint q = 0; q < N_QUERIES_PER_KIND; q++)
        {
          g_autofree char *query = kinds[k].make (text);
          g_autoptr(GPtrArray) hits = NULL;
          gint64 t0 = g_get_monotonic_time (), c0 = cpu_time (), dt, dc;

          hits = da_store_search (store, query, 20, &error);
          if (hits == NULL)
            g_error ("%s: %s", query, error->message);
          dt = g_get_monotonic_time () - t0;
          dc = cpu_time () - c0;
          total_hits += hits->len;
          g_array_append_val (times, dt);
          g_array_append_val (all, dt);
          g_array_append_val (cpu_times, dc);
          g_array_append_val (all_cpu, dc);
        }

      g_array_sort (times, compare_gint64);
      g_array_sort (cpu_times, compare_gint64);
      g_print ("search %-30s wall p50 %7.2f p95 %7.2f max %7.2f ms | cpu p50 %7.2f p95 %7.2f ms | %.1f hits\n",
               kinds[k].name,
               g_array_index (times, gint64, times->len / 2) / 1000.0,
               g_array_index (times, gint64, times->len * 95 / 100) / 1000.0,
               g_array_index (times, gint64, times->len - 1) / 1000.0,
               g_array_index (cpu_times, gint64, cpu_times->len / 2) / 1000.0,
               g_array_index (cpu_times, gint64, cpu_times->len * 95 / 100) / 1000.0,
               (double)total_hits / N_QUERIES_PER_KIND);
    }

  g_array_sort (all, compare_gint64);
  g_array_sort (all_cpu, compare_gint64);
  g_print ("search over %u messages, all %u queries: wall p50 %.2f ms p95 %.2f ms | cpu p50 %.2f ms p95 %.2f ms\n",
           n, all->len,
           g_array_index (all, gint64, all->len / 2) / 1000.0,
           g_array_index (all, gint64, all->len * 95 / 100) / 1000.0,
           g_array_index (all_cpu, gint64, all_cpu->len / 2) / 1000.0,
           g_array_index (all_cpu, gint64, all_cpu->len * 95 / 100) / 1000.0);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  guint n_messages = argc > 1 ? (guint)g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  guint n_appends = argc > 2 ? (guint)g_ascii_strtoull (argv[2], NULL, 10) : 50000;
  g_autofree char *dir = g_dir_make_tmp ("da-bench-store-XXXXXX", NULL);
  Text text;

  text_init (&text);
  g_print ("SQLite %s\n", sqlite3_libversion ());
  bench_appends (&text, dir, n_appends);
  bench_search (&text, dir, argc > 3 ? argv[3] : NULL, n_messages);
  text_clear (&text);
  remove_dir (dir);

  return 0;
}
