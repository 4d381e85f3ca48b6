"""A small labelled corpus for testing a RAG pipeline: the runbook of a fictional vector-search
service, and questions whose answers are exact spans of one document.

Follows: the labelling used by open-domain QA retrieval evaluation (Karpukhin et al., 2020):
a retrieved passage counts as relevant if it contains the answer span.
Simplifications: 37 documents and 26 questions written for this book. Every fact in them is
invented; the names, numbers and error codes describe no real product. Each question has one
gold span; the questions mix exact identifiers, inflected or misspelt words, and words shared
with other documents, so that each retrieval stage has something to do.
"""

DOCS = {
    "oncall": "The on-call rotation for the search platform changes every Monday at 10:00 UTC. "
    "Each rotation has a primary and a secondary engineer. The primary acknowledges pages within "
    "5 minutes; if a page is not acknowledged, it escalates to the secondary after 15 minutes and "
    "to the engineering manager after 30 minutes. Handover notes go in the on-call log.",
    "err-4012": "Error KS-4012 means the embedding service timed out while encoding a batch. The "
    "default timeout is 800 milliseconds. The usual cause is a batch too large for the GPU; reduce "
    "embed_batch_size from 256 to 64 and retry. If the error persists for more than ten minutes, "
    "page the inference team.",
    "err-4013": "Error KS-4013 means an index shard rejected a write because its segment is "
    "sealed. Writes are retried automatically against the new growing segment. No action is needed "
    "unless the error rate exceeds one percent of writes, which usually points to a stuck "
    "compaction job.",
    "err-4010": "Error KS-4010 means a write carried a vector whose dimension does not match the "
    "collection's schema. The write is rejected and nothing is stored. Check that the client uses "
    "the same embedding model as the collection.",
    "err-4011": "Error KS-4011 means a write was rejected because the document id is longer than "
    "128 bytes. Shorten the id or store the long key as a metadata field.",
    "err-4014": "Error KS-4014 means an index shard is rebuilding after a restart and serves reads "
    "only. Writes to it are queued for up to five minutes and then fail.",
    "err-4020": "Error KS-4020 means a search named a metadata field that is not filterable. Only "
    "fields declared as filterable in the schema can appear in a filter expression.",
    "err-5002": "Error KS-5002 means the request was cancelled because it exceeded the caller's "
    "deadline before all shards answered. Retrying with a longer deadline usually succeeds.",
    "err-5001": "Error KS-5001 is returned when a query names a collection that does not exist or "
    "that the caller's tenant cannot read. Check the collection name for typos and confirm that "
    "the API key belongs to the right tenant.",
    "keys": "Credential rotation: API keys issued to services are rotated every 90 days by the "
    "secrets manager. A rotated key stays valid for a 24 hour grace period so that running jobs "
    "can pick up the new value. Personal access tokens are not rotated automatically and expire "
    "after 30 days.",
    "backup": "Snapshots of every collection are taken nightly at 02:00 UTC and copied to a second "
    "region. Snapshots are kept for 35 days. Restoring a snapshot creates a new collection; the "
    "old one is left untouched so that the restore can be verified before traffic is switched.",
    "retention": "Data retention: query logs are retained for 30 days and then deleted. Audit "
    "logs, which record who changed a collection's schema or permissions, are retained for 400 "
    "days in cold storage. Retention periods are set by the compliance team and cannot be changed "
    "per tenant.",
    "reindex": "Reindexing a collection is required after changing the embedding model, because "
    "vectors from two different models are not comparable. A reindex builds a new index in the "
    "background while the old one keeps serving; traffic moves when the new index passes the "
    "recall check. Reindexing one hundred million vectors takes about six hours.",
    "recall-check": "The recall check compares a new index against exact search on 1,000 sampled "
    "queries. An index passes when its recall at 10 is at least 0.95. A failed check blocks the "
    "traffic switch and notifies the owning team.",
    "rate-limits": "Rate limits: each tenant may send 500 queries per second by default. Requests "
    "above the limit are throttled with HTTP status 429 and a Retry-After header. Limits can be "
    "raised for a tenant after a capacity review.",
    "timeouts": "Client timeouts: the search API waits at most 250 milliseconds for shard "
    "responses. Shards that have not answered by then are skipped, and the response is marked "
    "partial. Callers that need complete results can set allow_partial to false, which raises the "
    "timeout to two seconds.",
    "hedging": "Hedged requests: when a shard has not replied within its 95th percentile latency, "
    "the router sends the same query to a replica of that shard and uses whichever answer arrives "
    "first. Hedging adds about five percent more shard queries.",
    "filters": "Metadata filters are applied before the vector search when the filter matches "
    "fewer than five percent of a collection, and after it otherwise. Filters on tenant_id are "
    "always applied first. Filterable fields must be declared in the schema when the collection "
    "is created.",
    "deletes": "Deleted documents are marked with a tombstone and disappear from results "
    "immediately. Their vectors are physically removed when the segment is compacted. Compaction "
    "runs when more than 20 percent of a segment's rows are tombstoned.",
    "chunking": "Documents are split into chunks of 300 tokens with an overlap of 50 tokens before "
    "embedding. Tables are kept whole when they fit in one chunk. Each chunk stores the id of its "
    "source document and its position so that answers can cite it.",
    "embedding": "The default embedding model produces 768 dimensional vectors normalised to unit "
    "length, so the inner product equals the cosine similarity. Queries and documents must be "
    "embedded with the same model version.",
    "hybrid": "Hybrid search runs the keyword index and the vector index in parallel and merges "
    "the two ranked lists with reciprocal rank fusion. Keyword search finds exact identifiers such "
    "as error codes and product numbers that embeddings often miss.",
    "reranker": "The reranker is a cross-encoder that reads the query and each of the top 50 "
    "candidates together. It adds about 40 milliseconds at the 99th percentile and is skipped "
    "when the request deadline is shorter than 150 milliseconds.",
    "cache": "The query cache stores results for exact repeated queries for ten minutes. Cached "
    "entries are invalidated when the collection is written to. The cache hit rate on the support "
    "assistant is about 30 percent.",
    "nodes": "Index nodes run on machines with 512 GB of memory. Product quantized indexes are "
    "preferred above 200 million vectors, since full precision vectors no longer fit in the "
    "memory of one node.",
    "sharding": "Collections larger than 50 million vectors are split into shards by hashing the "
    "document id. Every query is sent to all shards and the partial results are merged by score. "
    "Each shard has three replicas in different zones.",
    "failover": "When a replica fails its health check three times in a row, the router stops "
    "sending it traffic and the scheduler starts a replacement. A replacement replica loads its "
    "shard from object storage, which takes about four minutes for a 40 GB shard.",
    "access": "Access control: every collection belongs to exactly one tenant. Service accounts get "
    "read access through a role binding; write access requires approval from the collection "
    "owner.",
    "schema": "Adding a metadata field to a collection's schema is an online operation. Removing a "
    "field or changing its type requires a reindex. Schema changes are recorded in the audit log.",
    "monitoring": "Dashboards track query latency at the 50th, 95th and 99th percentiles per shard, "
    "the cache hit rate, the fraction of partial responses, and the recall check history. Alerts "
    "fire when the 99th percentile latency exceeds 200 milliseconds for five minutes.",
    "prompt": "The answer prompt lists the retrieved chunks as numbered sources and instructs the "
    "model to cite a source number after every claim. If no source supports an answer, the model "
    "must reply that it does not know.",
    "evaluation": "Answer quality is evaluated weekly on a labelled set of 500 support questions. "
    "Retrieval is scored with recall at 5 and mean reciprocal rank; answers are scored for "
    "faithfulness by checking that each cited source contains the claim.",
    "quotas": "Storage quotas: each tenant may store up to 20 million vectors by default. Writes "
    "beyond the quota fail with error KS-4290 until old vectors are deleted or the quota is "
    "raised.",
    "ttl": "Time to live: a collection can declare a ttl field so that documents expire "
    "automatically. Expired documents are tombstoned by a background job that runs every hour.",
    "tenancy": "Small tenants share one physical collection partitioned by tenant_id, while "
    "tenants with more than five million vectors get a dedicated collection. Partitioning keeps "
    "every search inside a single tenant's data.",
    "upgrades": "Index nodes are upgraded one zone at a time. Before a zone is drained, the router "
    "shifts its traffic to replicas in the other two zones.",
    "budget": "The support assistant has a latency budget of 1.5 seconds to the first token: 20 "
    "milliseconds for the query embedding, 100 milliseconds for retrieval, 40 milliseconds for "
    "reranking, and the rest for the language model's prefill.",
}

# (question, gold document, gold span): the span is copied verbatim from the document.
QUERIES = [
    ("What does error KS-4012 mean?", "err-4012", "embedding service timed out"),
    ("KS-4013 on write", "err-4013", "its segment is sealed"),
    ("what is KS-4290", "quotas", "Writes beyond the quota fail"),
    ("KS-4014 after a restart", "err-4014", "serves reads only"),
    ("error KS-4011", "err-4011", "longer than 128 bytes"),
    ("lower embed_batch_size to what", "err-4012", "from 256 to 64"),
    ("timeout when allow_partial is false", "timeouts", "raises the timeout to two seconds"),
    ("how frequently do we rotate service credentials", "keys", "rotated every 90 days"),
    ("retension of audit logging", "retention", "retained for 400 days in cold storage"),
    ("physical removal of deleted vectors", "deletes", "removed when the segment is compacted"),
    ("duration of reindexing a hundred million vectors", "reindex", "takes about six hours"),
    ("throttling of tenants", "rate-limits", "throttled with HTTP status 429"),
    ("snapshot retention", "backup", "kept for 35 days"),
    ("escalating unacknowledged pages", "oncall", "escalates to the secondary after 15 minutes"),
    ("minimum recall to pass the recall check", "recall-check", "recall at 10 is at least 0.95"),
    ("compaction trigger", "deletes", "more than 20 percent"),
    ("how are large collections sharded", "sharding", "by hashing the document id"),
    ("replacement replica load time", "failover", "about four minutes"),
    ("when is reranking skipped", "reranker", "deadline is shorter than 150 milliseconds"),
    ("chunk size and overlap", "chunking", "chunks of 300 tokens with an overlap of 50"),
    ("filter before or after the vector search", "filters", "fewer than five percent"),
    ("cache invalidation after writes", "cache", "invalidated when the collection is written"),
    ("alert on p99 latency", "monitoring", "exceeds 200 milliseconds for five minutes"),
    ("which tenants get their own collection", "tenancy", "more than five million vectors"),
    ("reranking time budget in the support assistant", "budget", "40 milliseconds for reranking"),
    ("when do personal access tokens expire", "keys", "expire after 30 days"),
]
