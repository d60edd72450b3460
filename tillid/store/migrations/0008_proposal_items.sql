-- Proposals are made of items a committee can keep or drop (docs/proposals.md, "Items").
-- items: the parts as proposed (proposals issued before this migration have none, and can only be
-- approved or rejected whole). kept_items: the item ids an amendment kept (null: not amended by
-- items). proposed_effect: the effect as proposed, kept when an amendment recomputes effect for the
-- kept items. JSON rather than text[] so an erasure rewrites a person's id in an item id as it does
-- everywhere else in a proposal.
ALTER TABLE proposals ADD COLUMN items jsonb NOT NULL DEFAULT '[]',
                      ADD COLUMN kept_items jsonb,
                      ADD COLUMN proposed_effect jsonb;
ALTER TABLE decisions ADD COLUMN keep jsonb;

-- GET /api/proposals pages newest first by (created_at, proposal_id), with or without a committee.
CREATE INDEX proposals_page ON proposals (created_at DESC, proposal_id DESC);
CREATE INDEX proposals_committee_page ON proposals (committee_id, created_at DESC, proposal_id DESC);
