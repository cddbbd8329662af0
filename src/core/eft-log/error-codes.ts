/**
 * Backend error codes (the `err` field, `BackendServerSideException: <code> - <rule>`; eft-facts §6) and HTTP status
 * names as some client builds print them (`responseCode:BadGateway`).
 *
 * Every entry names its source:
 * - [SPT]   sp-tarkov/server `project/src/models/enums/BackendErrorCodes.ts` @3074dc3e and sp-tarkov/server-csharp
 *           `Libraries/SPTarkov.Server.Core/Models/Enums/BackendErrorCodes.cs` @046b95be (same values; both mirror
 *           the client's `EFT.EBackendErrorCode`).
 * - [SPT#]  only in the newer server-csharp enum.
 * - [TK]    Thunderkill/tarkov `src/index.ts` @59022eb3 (`handle_errors_ragfair`), an old community API client:
 *           medium confidence.
 * - [LINE]  a real client log line (quoted where the entry is).
 * A rule name the line itself carries (`228 - ItemsMoving[Move]: …`) beats this table (see `ruleNameOf`).
 */

/** What a backend error code says about connectivity. */
export type ServerErrorCategory =
  | "success"
  | "generic"
  | "auth"
  | "captcha"
  | "client-version"
  | "cache"
  | "http"
  | "trading"
  | "inventory"
  | "quest"
  | "social"
  | "server-side"
  | "tls"
  | "matchmaking"
  | "session-lost"
  | "raid-server"
  | "edge"
  | "parse"
  | "group"
  | "profile"
  | "rate-limited"
  | "maintenance";

type Entry = readonly [code: number, name: string, category: ServerErrorCategory];

const CODES: ReadonlyMap<number, { name: string; category: ServerErrorCategory }> = new Map(
  (
    [
      [0, "None", "success"], // [SPT]
      [200, "UnknownError", "generic"], // [SPT]
      [201, "NotAuthorized", "auth"], // [SPT] [TK] (also "profile not selected")
      [205, "InvalidUserId", "auth"], // [TK]
      [206, "BadLogin", "auth"], // [TK]
      [207, "InvalidParameters", "generic"], // [TK]
      [209, "NeedAuthorizationCode", "auth"], // [SPT] ([TK]: two-factor required)
      [211, "WrongAuthorizationCode", "auth"], // [SPT] ([TK]: bad two-factor code)
      [214, "NeedCaptcha", "captcha"], // [SPT] [TK]
      [215, "NoNeedCaptcha", "captcha"], // [SPT]
      [216, "CaptchaInvalidAnswer", "captcha"], // [SPT]
      [218, "CaptchaFailed", "captcha"], // [SPT] (there is no 217)
      [219, "CaptchaBruteForced", "captcha"], // [SPT]
      [223, "NoRoomInStash", "inventory"], // [SPT]
      [225, "NicknameNotUnique", "profile"], // [SPT]
      [226, "NicknameNotValid", "profile"], // [SPT]
      // [LINE] `…|Error|backend|<--- Response HTTPS, id [294]: Exception occured: 228, BackendServerSideException: 228
      // - ItemsMoving[Move]: can't move item …` (DooDesch/TarkovLogsLib `docs/logtype_backend.md` @3fd09190). [TK]
      // called it InvalidBarterItems, raised by a flea purchase through the same `/client/game/profile/items/moving`.
      [228, "ItemsMoving", "inventory"],
      [230, "RateLimited", "rate-limited"], // [TK]
      [232, "UnsupportedClientVersion", "client-version"], // [SPT]
      [238, "ReportNotAllowed", "social"], // [SPT]
      [241, "NicknameIsAbusive", "profile"], // [SPT]
      [242, "NicknameChangeTimeout", "profile"], // [SPT]
      [257, "NotEnoughSpaceToUnpack", "inventory"], // [SPT]
      [263, "InMaintenance", "maintenance"], // [TK]
      [304, "NotModified", "cache"], // [SPT]
      [400, "HTTPBadRequest", "http"], // [SPT]
      [401, "HTTPNotAuthorized", "http"], // [SPT]
      [403, "HTTPForbidden", "http"], // [SPT]
      [404, "HTTPNotFound", "http"], // [SPT]
      [405, "HTTPMethodNotAllowed", "http"], // [SPT]
      [500, "UnknownTradingError", "trading"], // [SPT]
      [501, "HTTPNotImplemented", "http"], // [SPT]
      [502, "HTTPBadGateway", "server-side"], // [SPT]
      [503, "HTTPServiceUnavailable", "server-side"], // [SPT]
      [504, "HTTPGatewayTimeout", "server-side"], // [SPT]
      [505, "TraderOutOfMoney", "trading"], // [SPT]
      [506, "HTTPVariantAlsoNegotiates", "http"], // [SPT]
      [509, "PriceChanged", "trading"], // [SPT]
      [512, "TraderDisabled", "trading"], // [SPT]
      [513, "ItemHasBeenSold", "trading"], // [SPT]
      [518, "NotEnoughSpaceForMoney", "trading"], // [SPT]
      [526, "HTTPInvalidSSLCertificate", "tls"], // [SPT]
      [550, "UnknownRagfairError", "trading"], // [SPT]
      [551, "UnknownRagfairError2", "trading"], // [SPT]
      [600, "UnknownMatchmakerError", "matchmaking"], // [SPT]
      [601, "SessionParametersError", "matchmaking"], // [SPT]
      [602, "SessionLost", "session-lost"], // [SPT]
      [604, "ServerNotRegistered", "raid-server"], // [SPT]
      [700, "UnknownQuestError", "quest"], // [SPT]
      [702, "QuestBadParam", "quest"], // [SPT]
      [703, "QuestNotFound", "quest"], // [SPT]
      [704, "QuestIsUnavailable", "quest"], // [SPT]
      [705, "NoFreeSpaceForRewards", "quest"], // [SPT]
      [706, "WrongQuestStatus", "quest"], // [SPT]
      [707, "CantCompleteQuest", "quest"], // [SPT]
      [900, "UnknownMailError", "social"], // [SPT]
      [925, "TooManyFriendRequests", "social"], // [SPT]
      [1000, "UnknownScriptExecutionError", "generic"], // [SPT] ([TK]: BackendError)
      [1200, "UnknownRepairingError", "inventory"], // [SPT]
      [1300, "UnknownInsuranceError", "trading"], // [SPT]
      [1400, "UnknownCurrencyExchangeError", "trading"], // [SPT]
      [1501, "MaxOfferCount", "trading"], // [TK]
      [1502, "InvalidBarterItems", "trading"], // [TK]
      [1503, "OfferNotFound", "trading"], // [SPT]
      [1505, "NotEnoughSpace", "trading"], // [SPT]
      [1506, "OfferOutOfStock", "trading"], // [SPT]
      [1507, "OfferSold", "trading"], // [SPT] ([TK]: OfferNotFound)
      [1510, "BadLoyaltyLevel", "trading"], // [TK]
      [1511, "RagfairUnavailable", "trading"], // [SPT]
      [1512, "OfferNotAvailableYet", "trading"], // [TK]
      [1513, "BannedErrorCode", "trading"], // [SPT]
      [1514, "TransactionError", "trading"], // [TK]
      [1516, "InsufficientNumberInStock", "trading"], // [SPT]
      [1517, "TooManyItemsToSell", "trading"], // [SPT]
      [1519, "IncorrectClientPrice", "trading"], // [SPT#]
      [9000, "UnknownNginxError", "edge"], // [SPT]
      [9001, "ParseResponseError", "parse"], // [SPT]
      [22001, "ExaminationFailed", "inventory"], // [SPT]
      [22002, "ItemAlreadyExamined", "inventory"], // [SPT]
      [502000, "UnknownGroupError", "group"], // [SPT]
      [502002, "GroupRequestNotFound", "group"], // [SPT]
      [502004, "GroupFull", "group"], // [SPT]
      [502005, "PlayerAlreadyInGroup", "group"], // [SPT]
      [502006, "PlayerNotInGroup", "group"], // [SPT]
      [502007, "PlayerNotLeader", "group"], // [SPT]
      [502010, "CantChangeReadyState", "group"], // [SPT]
      [502011, "PlayerForbiddenGroupInvites", "group"], // [SPT]
      [502012, "LeaderAlreadyReady", "group"], // [SPT]
      [502013, "GroupSendInviteError", "group"], // [SPT]
      // [SPT]; TarkovTracker's audit of real lines (docs/eft-log-reference) lists an "offline player" server exception.
      [502014, "PlayerIsOffline", "group"],
      [502018, "PlayerIsNotSearchingForGroup", "group"], // [SPT]
      [502021, "PlayerTooManyPartyRequests", "group"], // [SPT#]
      [502032, "PlayerIsInRegularMode", "group"], // [SPT#]
      [502033, "PlayerIsInPveMode", "group"], // [SPT#]
      [503000, "UnknownMatchmakerError", "matchmaking"], // [SPT]
      [503001, "PlayerAlreadyLookingForGame", "matchmaking"], // [SPT]
      [503002, "PlayerInRaid", "matchmaking"], // [SPT]
      [504001, "LimitForPresetsReached", "generic"], // [SPT]
      [505001, "PlayerProfileNotFound", "profile"], // [SPT#]
      [507006, "NoArenaSync", "generic"], // [SPT#]
    ] satisfies Entry[]
  ).map(([code, name, category]) => [code, { name, category }]),
);

/** Categories that point at the path to BSG (or BSG's servers) rather than at the player's account or actions. */
const CONNECTIVITY_CATEGORIES: ReadonlySet<ServerErrorCategory> = new Set([
  "server-side",
  "tls",
  "session-lost",
  "raid-server",
  "edge",
  "parse",
  "maintenance",
]);

const CATEGORY_MEANING: Record<ServerErrorCategory, string> = {
  success: "success",
  generic: "generic backend error",
  auth: "session expired or not logged in",
  captcha: "anti-bot challenge",
  "client-version": "the client needs an update",
  cache: "cache answer",
  http: "HTTP error mirrored by the backend",
  trading: "trading error",
  inventory: "inventory error",
  quest: "quest error",
  social: "chat/friends error",
  "server-side": "BSG's server side failed",
  tls: "TLS certificate problem: interception or a broken edge",
  matchmaking: "matchmaking error",
  "session-lost": "the game session was dropped",
  "raid-server": "the raid server is not registered",
  edge: "BSG's proxy/edge failed",
  parse: "the answer was not data (for example an HTML error page)",
  group: "group/party error",
  profile: "profile error",
  "rate-limited": "too many requests",
  maintenance: "servers in maintenance",
};

export interface ServerCodeInfo {
  name: string;
  category: ServerErrorCategory;
  meaning: string;
  connectivity: boolean;
}

/** Name, category and connectivity meaning of a backend error code; unknown codes get a neutral entry. */
export function describeServerCode(code: number): ServerCodeInfo {
  const info =
    CODES.get(code) ??
    (code >= 502000 && code <= 502099 ? { name: "GroupError", category: "group" as const } : { name: "Unknown", category: "generic" as const });
  return { ...info, meaning: CATEGORY_MEANING[info.category], connectivity: CONNECTIVITY_CATEGORIES.has(info.category) };
}

/**
 * The rule name a `BackendServerSideException: <code> - <rule>` line carries, when it is an identifier
 * (`ItemsMoving[Move]: can't move …` → `ItemsMoving`); null for free text. Only the identifier is kept: the rest of
 * the rule names items and containers by id.
 */
export function ruleNameOf(text: string): string | null {
  return /^\s*([A-Z][A-Za-z0-9]{2,60})(?:$|[[:])/.exec(text)?.[1] ?? null;
}

/**
 * `System.Net.HttpStatusCode` names (the enum .NET prints when a status is formatted by name, as in
 * `responseCode:BadGateway`) mapped to their numbers.
 */
const HTTP_STATUS_NAMES: ReadonlyMap<string, number> = new Map([
  ["ok", 200],
  ["created", 201],
  ["accepted", 202],
  ["nocontent", 204],
  ["movedpermanently", 301],
  ["moved", 301],
  ["found", 302],
  ["redirect", 302],
  ["notmodified", 304],
  ["temporaryredirect", 307],
  ["permanentredirect", 308],
  ["badrequest", 400],
  ["unauthorized", 401],
  ["forbidden", 403],
  ["notfound", 404],
  ["methodnotallowed", 405],
  ["requesttimeout", 408],
  ["conflict", 409],
  ["gone", 410],
  ["toomanyrequests", 429],
  ["internalservererror", 500],
  ["notimplemented", 501],
  ["badgateway", 502],
  ["serviceunavailable", 503],
  ["gatewaytimeout", 504],
]);

/** A `responseCode:` value as a number: `502`, `BadGateway` and `{BadGateway}` all read 502; null when unknown. */
export function parseResponseCode(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const v = raw.replace(/^\{|\}$/g, "").trim();
  if (/^-?\d+$/.test(v)) return Number(v);
  return HTTP_STATUS_NAMES.get(v.toLowerCase()) ?? null;
}
