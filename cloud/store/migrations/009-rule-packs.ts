/**
 * Rule packs in the cloud (cloud/rules/, docs/rule-release.md) and what rule actions become here
 * (cloud/purchasing/, cloud/inventory/).
 *
 * - `rule_pack_version`: every version of the site's pack as it was created, never rewritten
 *   except for its stage; the glossary it was compiled against travels with it, so a rollback
 *   deploys exactly what was tested.
 * - `rule_pack_stage`: the stage history (sandbox -> shadow -> grey -> production -> retired), one
 *   row per release action with who, when and on which gateways; rollback reads it.
 * - `rule_deployment`: per gateway, the desired state (active and shadow version), how the last
 *   `rules.apply` settled, and what the gateway last reported it runs.
 * - `spare_part_requisition` and `location_block`: made from `rule.action` edge events, keyed by
 *   the event, so a replayed event adds nothing.
 */
import type { Migration } from '../migrations.ts';

export const rulePacks009: Migration = {
  version: 9,
  name: 'rule-packs',
  up: `
    CREATE TABLE rule_pack_version (
      version INTEGER PRIMARY KEY,
      pack TEXT NOT NULL,
      source_json TEXT NOT NULL,
      glossary_json TEXT NOT NULL,
      glossary_version INTEGER NOT NULL,
      ast_version INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      -- 'sandbox', 'shadow', 'grey', 'production', 'retired'
      stage TEXT NOT NULL,
      compiled_json TEXT NOT NULL,
      examples_json TEXT NOT NULL,
      examples_passed INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE rule_pack_stage (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      version INTEGER NOT NULL REFERENCES rule_pack_version (version),
      -- 'create', 'seed', 'shadow', 'grey', 'production', 'rollback', 'retire'
      action TEXT NOT NULL,
      from_stage TEXT,
      to_stage TEXT NOT NULL,
      by TEXT NOT NULL,
      at INTEGER NOT NULL,
      gateways_json TEXT NOT NULL
    ) STRICT;
    CREATE INDEX rule_pack_stage_by_version ON rule_pack_stage (version, seq);

    CREATE TABLE rule_deployment (
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      active_version INTEGER,
      shadow_version INTEGER,
      -- 'pending' (sent or to be sent), 'applied' (acknowledged), 'failed' (refused)
      status TEXT NOT NULL,
      error TEXT,
      changed_by TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      settled_at INTEGER,
      reported_json TEXT,
      reported_at INTEGER,
      PRIMARY KEY (grp, edge)
    ) STRICT;

    CREATE TABLE spare_part_requisition (
      id TEXT PRIMARY KEY,
      item TEXT NOT NULL,
      quantity INTEGER NOT NULL,
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      rule TEXT NOT NULL,
      pack_version INTEGER NOT NULL,
      status TEXT NOT NULL,
      requested_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX spare_part_requisition_by_time ON spare_part_requisition (created_at);

    CREATE TABLE location_block (
      id TEXT PRIMARY KEY,
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      operation TEXT NOT NULL,
      location TEXT NOT NULL,
      rule TEXT NOT NULL,
      pack_version INTEGER NOT NULL,
      since INTEGER NOT NULL,
      released_at INTEGER,
      release_event TEXT
    ) STRICT;
    CREATE INDEX location_block_active ON location_block (grp, edge, operation, location, rule, released_at);
  `,
};
