// Special token ids and decoding rules an encoder-decoder model declares in its config.json.
package dev.lexstream.inference;

import java.util.Set;

/**
 * Token ids that steer generation, as a Hugging Face {@code config.json} /
 * {@code generation_config.json} declares them.
 *
 * @param decoderStartTokenId the first decoder input (Marian, T5: pad; BART: EOS)
 * @param eosTokenIds         tokens that end a sequence
 * @param padTokenId          fills finished rows of a batch
 * @param forcedBosTokenId    forced as the first generated token (mBART, BART), or -1
 * @param forcedEosTokenId    forced as the last token when maxNewTokens is reached, or -1
 * @param bannedTokenIds      never generated (single-token {@code bad_words_ids}, e.g. Marian's pad)
 */
public record Seq2SeqTokens(long decoderStartTokenId, Set<Long> eosTokenIds, long padTokenId,
                            long forcedBosTokenId, long forcedEosTokenId, Set<Long> bannedTokenIds) {

    public Seq2SeqTokens {
        eosTokenIds = Set.copyOf(eosTokenIds);
        bannedTokenIds = Set.copyOf(bannedTokenIds);
        if (eosTokenIds.isEmpty()) {
            throw new IllegalArgumentException("a seq2seq model needs an eos_token_id");
        }
    }

    public long firstEos() {
        return eosTokenIds.stream().min(Long::compare).orElseThrow();
    }
}
