/* segment.c - word boundaries from ICU's UBRK_WORD iterator.
 *
 * ICU's root word rules already run Han, Thai, Khmer, Lao, Burmese and
 * Japanese text through its dictionaries, so Chinese comes out as words
 * (人工 智能), not single characters.  We only keep segments whose rule status
 * says "number", "letter", "kana" or "ideographic": UBRK_WORD_NONE covers
 * spaces, punctuation and symbols such as emoji.
 */
#include <unicode/ubrk.h>

#include "../common/mem.h"
#include "internal.h"

struct an_segmenter {
    UBreakIterator *bi;
    int32_t prev;
};

rc_t seg_open(an_segmenter **out, err_t *err)
{
    /* The ICU iterator itself is built on first use: ASCII text never
     * needs it (ascii.c), and building it costs a searcher about a
     * millisecond of start-up, mostly page faults in ICU's data. */
    *out = mem_calloc(1, sizeof **out);
    return *out ? RC_OK : err_set(err, RC_NOMEM, "out of memory opening the word breaker");
}

static rc_t seg_build(an_segmenter *seg, err_t *err)
{
    UErrorCode st = U_ZERO_ERROR;
    /* The root locale: the rules are the same for every language we index,
     * and the dictionaries are chosen by script, not by locale. */
    seg->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    if (U_FAILURE(st)) {
        seg->bi = NULL;
        return err_set(err, RC_INTERNAL, "ICU word break iterator: %s", u_errorName(st));
    }
    return RC_OK;
}

void seg_close(an_segmenter *seg)
{
    if (!seg)
        return;
    if (seg->bi)
        ubrk_close(seg->bi);
    mem_free(seg);
}

rc_t seg_set_text(an_segmenter *seg, const UChar *u, int32_t n, err_t *err)
{
    rc_t rc = seg->bi ? RC_OK : seg_build(seg, err);
    if (rc != RC_OK)
        return rc;
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(seg->bi, u, n, &st);
    if (U_FAILURE(st))
        return err_set(err, RC_INTERNAL, "ICU ubrk_setText: %s", u_errorName(st));
    seg->prev = ubrk_first(seg->bi);
    return RC_OK;
}

int seg_next(an_segmenter *seg, int32_t *start, int32_t *end, int *kind)
{
    for (;;) {
        int32_t next = ubrk_next(seg->bi);
        if (next == UBRK_DONE)
            return 0;
        int32_t status = ubrk_getRuleStatus(seg->bi);
        int32_t from = seg->prev;
        seg->prev = next;
        if (status >= UBRK_WORD_NONE && status < UBRK_WORD_NONE_LIMIT)
            continue;
        *start = from;
        *end = next;
        *kind = status / 100; /* 1 number, 2 letter, 3 kana, 4 ideo */
        return 1;
    }
}
