-- An inbound update's arrival (src/core/store/arrival.ts) as a function: the one statement it sent
-- as text, with where the sender lives added, but PL/pgSQL keeps its plan for the connection, where a
-- statement sent as text is planned anew at every message — on the embedded database planning it was most of its cost (1.4 ms a message
-- against 0.6 ms through the function). It claims the update in ProcessedUpdate (see once.ts), and
-- reads who sent it, their flow open in that chat, and where they live (their area and those above
-- it, nearest first, as JSON).
CREATE FUNCTION "loaban_arrival"(_platform text, _update_id text, _at timestamp(3), _chat_id text, _user_id text, _chat_kind text)
RETURNS TABLE (claimed boolean, "personId" integer, language text, leads boolean,
               "flowId" integer, flow text, step text, data jsonb, "expiresAt" timestamp(3), places json)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    WITH claim AS (
      INSERT INTO "ProcessedUpdate" (platform, "updateId", "processedAt") VALUES (_platform, _update_id, _at)
      ON CONFLICT (platform, "updateId") DO UPDATE SET claimed = true WHERE "ProcessedUpdate".claimed = false
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM claim),
           p.id, p.language,
           EXISTS (SELECT 1 FROM "Membership" m WHERE m."personId" = p.id AND m.role IN ('leader', 'deputy')),
           s.id, s.flow, s.step, s.data, s."expiresAt",
           -- A group chat's group area, else (in a private chat) the area of the person's first group;
           -- with those above it, whose ids its path lists ("/1/4/9/"); itself even when its path is damaged.
           (SELECT json_agg(json_build_object('id', up.id, 'code', up.code, 'name', up.name) ORDER BY length(up.path) DESC)
              FROM "Area" here JOIN "Area" up ON up.id = here.id OR up.id = ANY (ARRAY(
                     SELECT ancestor::integer FROM unnest(string_to_array(here.path, '/')) AS ancestor WHERE ancestor ~ '^[0-9]{1,9}$'))
             WHERE here.id = COALESCE(
                     (SELECT g."areaId" FROM "ChatLink" c JOIN "CommunicationGroup" g ON g.id = c."groupId"
                       WHERE c.platform = _platform AND c."chatId" = _chat_id),
                     (SELECT g."areaId" FROM "Membership" m JOIN "CommunicationGroup" g ON g.id = m."groupId"
                       WHERE _chat_kind = 'private' AND m."personId" = p.id
                       ORDER BY m.id LIMIT 1)))
      FROM (SELECT 1) AS one
      LEFT JOIN "Person" p ON p.platform = _platform AND p."platformUserId" = _user_id
      LEFT JOIN "ConversationState" s ON s.platform = _platform AND s."chatId" = _chat_id AND s."userId" = _user_id;
END
$$;
