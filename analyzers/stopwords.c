/* stopwords.c - the built-in stopword lists and a small hash set over them.
 *
 * en and ru are Snowball's published lists (snowballstem.org, algorithms/
 * {english,russian}/stop.txt), with ru extended by "это", "также" and the
 * forms of "который", which are as frequent in news as anything on the list.
 * zh is ours: particles, pronouns and question words ("什么", "多少", "哪"),
 * the Chinese counterparts of what the English list already drops ("what",
 * "which", "how").  Lists are written in folded form (lower case, ' for ’,
 * е for ё, Simplified Han); the analyzer folds before it looks words up.
 */
#include <string.h>
#include <xxhash.h>

#include "../common/mem.h"
#include "internal.h"

static const char stop_en[] =
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his "
    "himself she her hers herself it its itself they them their theirs themselves what "
    "which who whom this that these those am is are was were be been being have has had "
    "having do does did doing would should could ought i'm you're he's she's it's we're "
    "they're i've you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll "
    "she'll we'll they'll isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't "
    "didn't won't wouldn't shan't shouldn't can't cannot couldn't mustn't let's that's "
    "who's what's here's there's when's where's why's how's a an the and but if or because "
    "as until while of at by for with about against between into through during before "
    "after above below to from up down in out on off over under again further then once "
    "here there when where why how all any both each few more most other some such no nor "
    "not only own same so than too very";

static const char stop_ru[] =
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по "
    "только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если "
    "уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей "
    "может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз "
    "тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом "
    "один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец "
    "два об другой хоть после над больше тот через эти нас про всего них какая много "
    "разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой "
    "им более всегда конечно всю между "
    "это также который которая которое которые которого которой котором которую которым "
    "которых которыми";

static const char stop_zh[] =
    "的 了 着 是 在 和 与 及 或 也 都 而 但 就 这 那 之 其 于 被 把 从 以 为 等 吗 呢 吧 啊 "
    "呀 么 个 我 你 他 她 它 我们 你们 他们 她们 它们 这个 那个 这些 那些 一个 "
    "什么 哪 哪些 哪个 哪里 哪儿 谁 多少 怎么 怎样 如何 为什么 几";

struct an_stopset {
    size_t mask;        /* slots - 1, slots a power of two */
    const char **word;  /* NULL = empty slot; points into the static lists */
    uint8_t *len;
    uint64_t *hash;     /* XXH3_64bits of word: most probes end on it, no memcmp */
    /* One bit per value of a hash's top 12 bits, set for the stopwords: two
     * thirds of the words of a text are not stopwords, and most of them are
     * answered here without probing (~4% of them pass with 180 words). */
    uint64_t filter[64];
};

static int filter_bit(const an_stopset *s, uint64_t hash)
{
    return (int)(s->filter[hash >> 58] >> (hash >> 52 & 63) & 1);
}

static const char *list_for(const char *lang)
{
    if (!lang)
        return NULL;
    if (!strcmp(lang, "en"))
        return stop_en;
    if (!strcmp(lang, "ru"))
        return stop_ru;
    if (!strcmp(lang, "zh"))
        return stop_zh;
    return NULL;
}

static size_t slot_of(const an_stopset *s, const char *w, size_t len, uint64_t hash)
{
    size_t i = (size_t)hash & s->mask;
    while (s->word[i] && !(s->hash[i] == hash && s->len[i] == len && !memcmp(s->word[i], w, len)))
        i = (i + 1) & s->mask;
    return i;
}

rc_t stop_open(const char *lang, an_stopset **out)
{
    *out = NULL;
    const char *list = list_for(lang);
    if (!list)
        return RC_OK;
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ' ';
    /* At most a quarter full: most words are not stopwords, and a miss
     * probes until an empty slot. */
    size_t slots = 16;
    while (slots < n * 4)
        slots *= 2;
    an_stopset *s = mem_calloc(1, sizeof *s);
    if (!s)
        return RC_NOMEM;
    s->mask = slots - 1;
    s->word = mem_calloc(slots, sizeof *s->word);
    s->len = mem_calloc(slots, sizeof *s->len);
    s->hash = mem_calloc(slots, sizeof *s->hash);
    if (!s->word || !s->len || !s->hash) {
        stop_close(s);
        return RC_NOMEM;
    }
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        if (q > p) {
            uint64_t h = XXH3_64bits(p, (size_t)(q - p));
            size_t i = slot_of(s, p, (size_t)(q - p), h);
            s->word[i] = p;
            s->len[i] = (uint8_t)(q - p);
            s->hash[i] = h;
            s->filter[h >> 58] |= 1ull << (h >> 52 & 63);
        }
        p = q;
    }
    *out = s;
    return RC_OK;
}

void stop_close(an_stopset *s)
{
    if (!s)
        return;
    mem_free(s->word);
    mem_free(s->len);
    mem_free(s->hash);
    mem_free(s);
}

int stop_has(const an_stopset *s, const char *term, size_t len, uint64_t hash)
{
    if (!s || len > 255 || !filter_bit(s, hash))
        return 0;
    return s->word[slot_of(s, term, len, hash)] != NULL;
}
