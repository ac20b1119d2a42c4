// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Funds} from "./Funds.sol";
import {PileRegistry} from "./PileRegistry.sol";
import {Tariff, tariffCostOf, Terms, TERMS_SIZE} from "./Terms.sol";

/// @title SessionEscrow
/// @notice One charging session = one deposit held here, paid out against the vehicle's signed cumulative voucher,
///         never above what the terms the vehicle bound at opening allow.
/// @dev The session is not stored: its struct is emitted in `SessionOpened` and passed back as calldata, checked
///      against `sessionId = keccak256(abi.encode(session))`. Only a one-word state is stored per open session.
///      Payouts and refunds are credited to withdrawable balances (`balanceOf`, `withdraw`): no external call on any
///      settlement path, so a reverting recipient can never block one and nothing can re-enter there.
contract SessionEscrow is Funds, EIP712 {
    struct Session {
        address vehicle;
        bytes32 pileId;
        Terms terms;
        uint128 deposit;
        uint40 openedAt;
        bytes32 salt;
    }

    /// @notice Sessions opened at one pile under the same terms, settled together; the terms are sent once.
    struct SettleGroup {
        bytes32 pileId;
        Terms terms;
        SettleEntry[] entries;
    }

    /// @notice One session of a group (the session's remaining fields) and the voucher it settles with.
    struct SettleEntry {
        address vehicle;
        uint128 deposit;
        uint40 openedAt;
        bytes32 salt;
        uint64 energyWh;
        uint32 chargingSeconds;
        uint32 idleSeconds;
        uint256 amount;
        /// The vehicle's EIP-712 `Voucher` signature in EIP-2098 compact form (r, yParity‖s); zero for amount 0.
        bytes32 r;
        bytes32 vs;
    }

    /// Disputes are rare, so stored plainly.
    struct Dispute {
        address vehicle;
        uint40 deadline;
        address payout;
        address currency;
        uint128 held;
    }

    enum SessionStatus {
        None,
        Open,
        RefundRequested
    }

    bytes32 private constant VOUCHER_TYPEHASH = keccak256(
        "Voucher(bytes32 sessionId,uint64 energyWh,uint32 chargingSeconds,uint32 idleSeconds,uint256 amount)"
    );

    PileRegistry public immutable registry;
    /// @notice Decides disputes raised with `settleWithClaim`.
    address public immutable arbiter;
    /// @notice After `requestRefund`, how long the pile may still settle before the vehicle can take its deposit back.
    uint64 public immutable settleWindow;
    /// @notice How long the arbiter has to decide a dispute before the held amount returns to the vehicle.
    uint64 public immutable disputeWindow;

    /// @dev One word per session: 0 = never opened or finished; CLOSED = finished in its opening second; otherwise
    ///      open, with bit 0 set, the time it becomes refundable (0 = no refund requested) in bits 8..71, and the
    ///      agent the pile's owner reassigned it to (0 = the terms' agent and payout settle) in bits 96..255. Packing
    ///      the reassignment here lets the settle path learn it from the read it makes anyway.
    mapping(bytes32 sessionId => uint256) private sessionWords;
    mapping(bytes32 sessionId => Dispute) private disputes;

    uint256 private constant OPEN = 1;
    uint256 private constant REFUNDABLE_AT_SHIFT = 8;
    uint256 private constant AGENT_SHIFT = 96;
    /// @dev Marks a session that ended in the second it was opened in. Deleting its word then would let an identical
    ///      session (same vehicle, pile, terms, salt and timestamp) be opened again under the same id and replay vouchers.
    uint256 private constant CLOSED = type(uint256).max;
    /// @dev abi.encode(Session): thirteen static words.
    uint256 private constant SESSION_SIZE = 13 * 32;
    /// @dev Offsets in a session as abi.encode lays it out (the settle path's copy in memory).
    uint256 private constant AT_PILE = 0x20;
    uint256 private constant AT_TERMS = 0x40;
    uint256 private constant AT_PAYOUT = 0x40;
    uint256 private constant AT_AGENT = 0x60;
    uint256 private constant AT_CURRENCY = 0x80;
    uint256 private constant AT_PRICE_PER_KWH = 0xa0;
    uint256 private constant AT_PRICE_PER_MINUTE = 0xc0;
    uint256 private constant AT_IDLE_PER_MINUTE = 0xe0;
    uint256 private constant AT_SESSION_FEE = 0x100;
    uint256 private constant AT_DEPOSIT = 0x140;
    uint256 private constant AT_OPENED_AT = 0x160;
    uint256 private constant AT_SALT = 0x180;
    /// @dev Offsets in a voucher in calldata: `settleSession`'s parameters after the session, or a `SettleEntry`'s
    ///      fields after `salt`.
    uint256 private constant AT_ENERGY = 0x00;
    uint256 private constant AT_CHARGING = 0x20;
    uint256 private constant AT_IDLE = 0x40;
    uint256 private constant AT_AMOUNT = 0x60;
    uint256 private constant AT_R = 0x80;
    uint256 private constant AT_VS = 0xa0;
    /// @dev A `SettleEntry`'s size and where its voucher starts.
    uint256 private constant ENTRY_SIZE = 10 * 32;
    uint256 private constant ENTRY_VOUCHER = 0x80;
    /// @dev secp256k1's half order: signatures with a larger s are malleable and refused.
    uint256 private constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    event SessionOpened(
        bytes32 indexed sessionId,
        bytes32 indexed pileId,
        address indexed vehicle,
        bytes32 termsHash,
        uint128 deposit,
        uint40 openedAt,
        bytes32 salt
    );
    event SessionSettled(
        bytes32 indexed sessionId,
        uint64 energyWh,
        uint32 chargingSeconds,
        uint32 idleSeconds,
        uint256 amount,
        uint256 refund
    );
    /// @notice A batch entry that did not settle; `reason` is the selector of the error `settleSession` would raise.
    event SettlementSkipped(bytes32 indexed sessionId, bytes4 reason);
    event SessionAgentChanged(bytes32 indexed sessionId, address agent);
    event RefundRequested(bytes32 indexed sessionId, uint64 refundableAt);
    event SessionRefunded(bytes32 indexed sessionId, address indexed vehicle, uint256 amount);
    event DisputeOpened(
        bytes32 indexed sessionId, uint64 energyWh, uint64 claimedEnergyWh, uint256 claimedAmount, uint64 deadline
    );
    event DisputeDecided(bytes32 indexed sessionId, uint256 amountToPile, uint256 amountToVehicle);
    event DisputeExpired(bytes32 indexed sessionId, uint256 amountToVehicle);
    event DepositFromBalance(bytes32 indexed sessionId, address indexed vehicle, uint256 amount);

    error TermsChanged(bytes32 pileId, bytes32 expected, bytes32 actual);
    error SessionExists(bytes32 sessionId);
    error SessionNotOpen(bytes32 sessionId);
    error NotSettler(bytes32 sessionId, address caller);
    error NotVehicle(bytes32 sessionId, address caller);
    error NotArbiter(address caller);
    error VoucherExceedsDeposit(uint256 amount, uint256 deposit);
    error VoucherExceedsPrice(uint256 amount, uint256 price);
    error InvalidVoucherSigner(address signer, address vehicle);
    error RefundDeadlinePassed(bytes32 sessionId, uint256 refundableAt);
    error RefundAlreadyRequested(bytes32 sessionId, uint256 refundableAt);
    error RefundNotRequested(bytes32 sessionId);
    error RefundNotYetAvailable(bytes32 sessionId, uint256 refundableAt);
    error ClaimNotAboveVoucher(uint256 claimedEnergyWh, uint256 energyWh);
    error ClaimExceedsCredit(uint256 extraWh, uint256 creditWh);
    error ClaimExceedsDeposit(uint256 claimedAmount, uint256 remaining);
    error ClaimExceedsPrice(uint256 claimedAmount, uint256 price);
    error DisputeNotFound(bytes32 sessionId);
    error DisputeWindowClosed(bytes32 sessionId, uint256 deadline);
    error DisputeStillOpen(bytes32 sessionId, uint256 deadline);
    error DecisionExceedsClaim(uint256 amountToPile, uint256 held);
    error EmptyBatch();
    /// @dev Raised by the registry; declared here so they are in this ABI.
    error UnknownPile(bytes32 pileId);
    error NotPileOwner(bytes32 pileId, address caller);

    /// @param registry_ The pile registry whose terms hashes sessions must match.
    /// @param arbiter_ The dispute arbiter.
    /// @param settleWindow_ Seconds the pile keeps to settle after the vehicle requests a refund (1 s to 365 days).
    /// @param disputeWindow_ Seconds the arbiter has to decide a dispute (1 s to 365 days).
    constructor(PileRegistry registry_, address arbiter_, uint64 settleWindow_, uint64 disputeWindow_)
        EIP712("ChargeChain Escrow", "2")
    {
        if (address(registry_) == address(0) || arbiter_ == address(0)) revert ZeroAddress();
        _checkWindow(settleWindow_);
        _checkWindow(disputeWindow_);
        registry = registry_;
        arbiter = arbiter_;
        settleWindow = settleWindow_;
        disputeWindow = disputeWindow_;
    }

    // ---------------------------------------------------------------- opening

    /// @notice Opens a session at `pileId` with a deposit paid now: `msg.value` for native, `transferFrom` for ERC-20
    ///         (approve first). Reverts with `TermsChanged` unless `terms` are the pile's current terms, so an owner
    ///         cannot change them under the car's feet.
    /// @param terms The terms the car accepted (from the pile, checked against the registry); bound into the session.
    /// @param salt Any value that makes the session unique among the vehicle's sessions at this pile in this block.
    /// @return sessionId The id vouchers are signed over.
    function openSession(bytes32 pileId, Terms calldata terms, bytes32 salt, uint128 deposit)
        external
        payable
        returns (bytes32 sessionId)
    {
        sessionId = _open(pileId, terms, salt, deposit);
        _receive(terms.tariff.currency, deposit);
    }

    /// @notice Like `openSession` for an ERC-20 pile, approving the deposit with an EIP-2612 permit in the same call.
    ///         The permit is spent on `terms.tariff.currency` only.
    function openSessionWithPermit(
        bytes32 pileId,
        Terms calldata terms,
        bytes32 salt,
        uint128 deposit,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32 sessionId) {
        sessionId = _open(pileId, terms, salt, deposit);
        _receiveWithPermit(terms.tariff.currency, deposit, deadline, v, r, s);
    }

    /// @notice Opens a session paid from the caller's withdrawable balance (e.g. refunds of earlier sessions).
    function openSessionFromBalance(bytes32 pileId, Terms calldata terms, bytes32 salt, uint128 deposit)
        external
        returns (bytes32 sessionId)
    {
        _debit(msg.sender, terms.tariff.currency, deposit);
        sessionId = _open(pileId, terms, salt, deposit);
        emit DepositFromBalance(sessionId, msg.sender, deposit);
    }

    // ---------------------------------------------------------------- settling

    /// @notice Pays `amount` to the session's payout and the rest of the deposit to the vehicle (both credited to
    ///         withdrawable balances). `amount` must be signed by the vehicle, and at most the deposit and the
    ///         tariff's cost of the signed energy and time. Only the session's agent or payout may call it (or, after
    ///         `reassignSessions`, only the new agent), so the vehicle cannot settle early with an older voucher.
    ///         `amount` 0 with a zero signature is a full refund.
    /// @param energyWh Cumulative energy the voucher covers; @param chargingSeconds, idleSeconds Cumulative time.
    /// @param amount Cumulative amount it authorises.
    /// @param r, vs The vehicle's EIP-712 `Voucher` signature in EIP-2098 compact form (ignored when `amount` is 0).
    function settleSession(
        Session calldata session,
        uint64 energyWh,
        uint32 chargingSeconds,
        uint32 idleSeconds,
        uint256 amount,
        bytes32 r,
        bytes32 vs
    ) external {
        (uint256 copy, uint256 voucher) = _copySession(session);
        (bytes32 sessionId, bytes4 reason, uint256 a, uint256 b) = _check(copy, voucher, amount != 0);
        if (reason != 0) _raise(reason, a, b);
        _settle(copy, sessionId, voucher);
        if (amount != 0) {
            (address payout, address currency) = _payoutOf(copy);
            balanceOf[payout][currency] += amount;
        }
        (energyWh, chargingSeconds, idleSeconds, r, vs); // read from calldata by _check and _settle
    }

    /// @notice Settles many sessions in one transaction, grouped by pile and terms. An entry that `settleSession`
    ///         would refuse is skipped and reported with `SettlementSkipped`; the others settle. Each group's payout
    ///         is credited once.
    /// @return settled For each entry, group after group, whether it settled.
    function settleSessions(SettleGroup[] calldata groups) external returns (bool[] memory settled) {
        uint256 total;
        for (uint256 g; g < groups.length; ++g) {
            total += groups[g].entries.length;
        }
        if (total == 0) revert EmptyBatch();
        settled = new bool[](total);
        uint256 copy = _allocateSession();
        uint256 k;
        for (uint256 g; g < groups.length; ++g) {
            SettleGroup calldata group = groups[g];
            Terms calldata terms = group.terms;
            bytes32 pileId = group.pileId;
            assembly ("memory-safe") {
                mstore(add(copy, AT_PILE), pileId)
                calldatacopy(add(copy, AT_TERMS), terms, TERMS_SIZE)
            }
            SettleEntry[] calldata entries = group.entries;
            uint256 owed;
            for (uint256 i; i < entries.length; ++i) {
                uint256 entry;
                assembly ("memory-safe") {
                    entry := add(entries.offset, mul(i, ENTRY_SIZE))
                    mstore(copy, calldataload(entry))
                    mstore(add(copy, AT_DEPOSIT), calldataload(add(entry, 0x20)))
                    mstore(add(copy, AT_OPENED_AT), calldataload(add(entry, 0x40)))
                    mstore(add(copy, AT_SALT), calldataload(add(entry, 0x60)))
                }
                uint256 voucher = entry + ENTRY_VOUCHER;
                uint256 amount = _wordAt(voucher + AT_AMOUNT);
                (bytes32 sessionId, bytes4 reason,,) = _check(copy, voucher, amount != 0);
                if (reason == 0) {
                    _settle(copy, sessionId, voucher);
                    settled[k] = true;
                    owed += amount;
                } else {
                    emit SettlementSkipped(sessionId, reason);
                }
                ++k;
            }
            if (owed != 0) balanceOf[terms.payout][terms.tariff.currency] += owed;
        }
    }

    /// @notice Settles with the vehicle's voucher (a valid signature is required, whatever the amount) and holds a
    ///         further claim for the arbiter, e.g. when the vehicle stopped signing while energy kept flowing. The
    ///         claim covers at most the session's credit beyond the voucher's energy, at the tariff's energy price,
    ///         and at most what is left of the deposit: never the whole deposit.
    /// @param claimedEnergyWh Total energy the pile says it delivered (above the voucher's, by at most `creditWh`).
    /// @param claimedAmount Extra held beyond `amount`, at most `ceil((claimedEnergyWh - energyWh) · pricePerKWh / 1000)`.
    function settleWithClaim(
        Session calldata session,
        uint64 energyWh,
        uint32 chargingSeconds,
        uint32 idleSeconds,
        uint256 amount,
        bytes32 r,
        bytes32 vs,
        uint64 claimedEnergyWh,
        uint128 claimedAmount
    ) external {
        (uint256 copy, uint256 voucher) = _copySession(session);
        (bytes32 sessionId, bytes4 reason, uint256 a, uint256 b) = _check(copy, voucher, true);
        if (reason != 0) _raise(reason, a, b);
        if (claimedEnergyWh <= energyWh) revert ClaimNotAboveVoucher(claimedEnergyWh, energyWh);
        uint256 extraWh = claimedEnergyWh - energyWh;
        if (extraWh > session.terms.creditWh) revert ClaimExceedsCredit(extraWh, session.terms.creditWh);
        if (claimedAmount == 0) revert ZeroAmount();
        uint256 price = (extraWh * session.terms.tariff.pricePerKWh + 999) / 1000;
        if (claimedAmount > price) revert ClaimExceedsPrice(claimedAmount, price);
        uint256 remaining = session.deposit - amount;
        if (claimedAmount > remaining) revert ClaimExceedsDeposit(claimedAmount, remaining);
        _end(sessionId, session.openedAt);

        address currency = session.terms.tariff.currency;
        uint256 toVehicle = remaining - claimedAmount;
        uint40 deadline = SafeCast.toUint40(block.timestamp + disputeWindow);
        disputes[sessionId] = Dispute(session.vehicle, deadline, session.terms.payout, currency, claimedAmount);
        balanceOf[session.terms.payout][currency] += amount;
        balanceOf[session.vehicle][currency] += toVehicle;
        emit SessionSettled(sessionId, energyWh, chargingSeconds, idleSeconds, amount, toVehicle);
        emit DisputeOpened(sessionId, energyWh, claimedEnergyWh, claimedAmount, deadline);
        (r, vs); // read by _check from calldata
    }

    /// @notice The pile's current owner revokes the settling key of open sessions (after `setAgent` or
    ///         `transferPile`, e.g. when the Pi was stolen): afterwards only `newAgent` may settle or claim them,
    ///         neither the agent nor the payout the session was opened with. Sessions no longer open are skipped, so a
    ///         thief settling one first cannot make the whole call fail.
    /// @return reassigned How many sessions now settle through `newAgent`.
    function reassignSessions(Session[] calldata sessions, address newAgent) external returns (uint256 reassigned) {
        if (newAgent == address(0)) revert ZeroAddress();
        bytes32 checkedPile;
        for (uint256 i; i < sessions.length; ++i) {
            Session calldata session = sessions[i];
            bytes32 pileId = session.pileId;
            if (pileId != checkedPile || i == 0) {
                address owner = registry.ownerOf(pileId);
                if (owner != msg.sender) revert NotPileOwner(pileId, msg.sender);
                checkedPile = pileId;
            }
            bytes32 sessionId = hashSession(session);
            uint256 word = sessionWords[sessionId];
            if (word == 0 || word == CLOSED) continue;
            sessionWords[sessionId] = uint96(word) | (uint256(uint160(newAgent)) << AGENT_SHIFT);
            emit SessionAgentChanged(sessionId, newAgent);
            ++reassigned;
        }
    }

    // ---------------------------------------------------------------- timeouts and disputes

    /// @notice The vehicle asks for its deposit back. The pile keeps `settleWindow` seconds to settle with its latest
    ///         voucher (its agent watches for `RefundRequested`); after that the vehicle may call `refund`.
    function requestRefund(Session calldata session) external {
        bytes32 sessionId = hashSession(session);
        if (msg.sender != session.vehicle) revert NotVehicle(sessionId, msg.sender);
        uint256 word = _openWord(sessionId);
        uint64 requestedAt = _refundableAt(word);
        if (requestedAt != 0) revert RefundAlreadyRequested(sessionId, requestedAt);
        uint64 refundableAt = SafeCast.toUint64(block.timestamp + settleWindow);
        sessionWords[sessionId] = word | (uint256(refundableAt) << REFUNDABLE_AT_SHIFT);
        emit RefundRequested(sessionId, refundableAt);
    }

    /// @notice Returns the whole deposit to the vehicle once the settle window after `requestRefund` has passed.
    function refund(Session calldata session) external {
        bytes32 sessionId = hashSession(session);
        if (msg.sender != session.vehicle) revert NotVehicle(sessionId, msg.sender);
        uint64 refundableAt = _refundableAt(_openWord(sessionId));
        if (refundableAt == 0) revert RefundNotRequested(sessionId);
        if (block.timestamp < refundableAt) revert RefundNotYetAvailable(sessionId, refundableAt);
        _end(sessionId, session.openedAt);
        balanceOf[session.vehicle][session.terms.tariff.currency] += session.deposit;
        emit SessionRefunded(sessionId, session.vehicle, session.deposit);
    }

    /// @notice The arbiter splits a held claim between the pile's payout and the vehicle, within `disputeWindow`.
    function decideDispute(bytes32 sessionId, uint256 amountToPile) external {
        if (msg.sender != arbiter) revert NotArbiter(msg.sender);
        Dispute memory dispute = disputes[sessionId];
        if (dispute.vehicle == address(0)) revert DisputeNotFound(sessionId);
        if (block.timestamp > dispute.deadline) revert DisputeWindowClosed(sessionId, dispute.deadline);
        if (amountToPile > dispute.held) revert DecisionExceedsClaim(amountToPile, dispute.held);
        delete disputes[sessionId];
        uint256 amountToVehicle = dispute.held - amountToPile;
        balanceOf[dispute.payout][dispute.currency] += amountToPile;
        balanceOf[dispute.vehicle][dispute.currency] += amountToVehicle;
        emit DisputeDecided(sessionId, amountToPile, amountToVehicle);
    }

    /// @notice After `disputeWindow` without a decision, anyone may return the held amount to the vehicle.
    function expireDispute(bytes32 sessionId) external {
        Dispute memory dispute = disputes[sessionId];
        if (dispute.vehicle == address(0)) revert DisputeNotFound(sessionId);
        if (block.timestamp <= dispute.deadline) revert DisputeStillOpen(sessionId, dispute.deadline);
        delete disputes[sessionId];
        balanceOf[dispute.vehicle][dispute.currency] += dispute.held;
        emit DisputeExpired(sessionId, dispute.held);
    }

    // ---------------------------------------------------------------- views

    /// @notice Whether the session is open, from when it is refundable if a refund was requested, and the agent its
    ///         pile's owner reassigned it to (zero if none).
    function getSessionStatus(bytes32 sessionId)
        external
        view
        returns (SessionStatus status, uint64 refundableAt, address reassignedAgent)
    {
        uint256 word = sessionWords[sessionId];
        if (word == 0 || word == CLOSED) return (SessionStatus.None, 0, address(0));
        refundableAt = _refundableAt(word);
        status = refundableAt == 0 ? SessionStatus.Open : SessionStatus.RefundRequested;
        reassignedAgent = _reassignedAgent(word);
    }

    /// @notice The dispute held for `sessionId` (all zero if none).
    function getDispute(bytes32 sessionId) external view returns (Dispute memory) {
        return disputes[sessionId];
    }

    /// @notice The session id: `keccak256(abi.encode(session))`.
    function hashSession(Session calldata session) public pure returns (bytes32 sessionId) {
        // The struct is static, so its calldata bytes are exactly abi.encode(session); hashing them in scratch
        // memory past the free pointer avoids a memory allocation per session in batches.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, session, SESSION_SIZE)
            sessionId := keccak256(ptr, SESSION_SIZE)
        }
    }

    /// @notice What a session costs under `tariff`, the most a voucher may authorise: `sessionFee +
    ///         ceil((energyWh·pricePerKWh·60 + (chargingSeconds·pricePerMinute + idleSeconds·idlePerMinute)·1000)
    ///         / 60000)`.
    function tariffCost(Tariff calldata tariff, uint64 energyWh, uint32 chargingSeconds, uint32 idleSeconds)
        external
        pure
        returns (uint256)
    {
        return tariffCostOf(
            tariff.pricePerKWh,
            tariff.pricePerMinute,
            tariff.idlePerMinute,
            tariff.sessionFee,
            energyWh,
            chargingSeconds,
            idleSeconds
        );
    }

    // ---------------------------------------------------------------- internals

    /// @dev `registry.termsHashOf(pileId)`, its revert (`UnknownPile`) passed on.
    function _termsHashOf(bytes32 pileId) private view returns (bytes32 termsHash) {
        address target = address(registry);
        bytes4 selector = PileRegistry.termsHashOf.selector;
        assembly ("memory-safe") {
            mstore(0, selector)
            mstore(4, pileId)
            let ok := staticcall(gas(), target, 0, 0x24, 0, 0x20)
            if iszero(and(ok, gt(returndatasize(), 0x1f))) {
                let ptr := mload(0x40)
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            termsHash := mload(0)
        }
    }

    /// @dev Checks the terms against the registry and stores the new session's word.
    function _open(bytes32 pileId, Terms calldata terms, bytes32 salt, uint128 deposit)
        private
        returns (bytes32 sessionId)
    {
        if (deposit == 0) revert ZeroAmount();
        uint40 openedAt = SafeCast.toUint40(block.timestamp);
        uint256 ptr;
        bytes32 expected;
        // abi.encode(Session(msg.sender, pileId, terms, deposit, openedAt, salt)) laid out in scratch memory once:
        // the terms' hash and the session id are both hashed from it.
        assembly ("memory-safe") {
            ptr := mload(0x40)
            mstore(ptr, caller())
            mstore(add(ptr, 0x20), pileId)
            calldatacopy(add(ptr, AT_TERMS), terms, TERMS_SIZE)
            mstore(add(ptr, AT_DEPOSIT), deposit)
            mstore(add(ptr, AT_OPENED_AT), openedAt)
            mstore(add(ptr, AT_SALT), salt)
            expected := keccak256(add(ptr, AT_TERMS), TERMS_SIZE)
            sessionId := keccak256(ptr, SESSION_SIZE)
        }
        // The registry call uses only the scratch words below the free memory pointer, so the layout above survives.
        bytes32 actual = _termsHashOf(pileId);
        if (expected != actual) revert TermsChanged(pileId, expected, actual);
        if (sessionWords[sessionId] != 0) revert SessionExists(sessionId);
        sessionWords[sessionId] = OPEN;
        // SessionOpened(sessionId, pileId, msg.sender, termsHash, deposit, openedAt, salt): the data is the session's
        // last three words, with the terms hash written over the word before them (the terms' last, creditWh).
        bytes32 topic = SessionOpened.selector;
        assembly ("memory-safe") {
            mstore(add(ptr, 0x120), expected)
            log4(add(ptr, 0x120), 0x80, topic, sessionId, pileId, caller())
        }
    }

    /// @dev Whether the caller may settle the session copied at memory `session` now with the voucher at calldata
    ///      `voucher`: `reason` 0 if so, else the selector of the error `settleSession` raises and its arguments (see
    ///      `_raise`). Shared by the single and batch paths, so a batch skips exactly what a single settle refuses.
    ///      The session's fields are used unchecked: one that is not the canonical encoding of an opened session has
    ///      no open state word. `signed`: whether the voucher must be verified.
    function _check(uint256 session, uint256 voucher, bool signed)
        private
        view
        returns (bytes32 sessionId, bytes4 reason, uint256 a, uint256 b)
    {
        address vehicle;
        address payout;
        address agent;
        assembly ("memory-safe") {
            sessionId := keccak256(session, SESSION_SIZE)
            vehicle := mload(session)
            payout := mload(add(session, AT_PAYOUT))
            agent := mload(add(session, AT_AGENT))
        }
        uint256 word = sessionWords[sessionId];
        if (word == 0 || word == CLOSED) return (sessionId, SessionNotOpen.selector, uint256(sessionId), 0);
        address reassigned = _reassignedAgent(word);
        bool allowed =
            reassigned == address(0) ? msg.sender == agent || msg.sender == payout : msg.sender == reassigned;
        if (!allowed) return (sessionId, NotSettler.selector, uint256(sessionId), uint160(msg.sender));
        uint256 refundableAt = _refundableAt(word);
        if (refundableAt != 0 && block.timestamp >= refundableAt) {
            return (sessionId, RefundDeadlinePassed.selector, uint256(sessionId), refundableAt);
        }
        if (!signed) return (sessionId, 0, 0, 0);

        (uint256 energyWh, uint256 chargingSeconds, uint256 idleSeconds, uint256 amount) = _voucher(voucher);
        uint256 deposit;
        uint256 cost;
        {
            uint256 pricePerKWh;
            uint256 pricePerMinute;
            uint256 idlePerMinute;
            uint256 sessionFee;
            assembly ("memory-safe") {
                deposit := mload(add(session, AT_DEPOSIT))
                pricePerKWh := mload(add(session, AT_PRICE_PER_KWH))
                pricePerMinute := mload(add(session, AT_PRICE_PER_MINUTE))
                idlePerMinute := mload(add(session, AT_IDLE_PER_MINUTE))
                sessionFee := mload(add(session, AT_SESSION_FEE))
            }
            if (amount > deposit) return (sessionId, VoucherExceedsDeposit.selector, amount, deposit);
            cost = tariffCostOf(
                pricePerKWh, pricePerMinute, idlePerMinute, sessionFee, energyWh, chargingSeconds, idleSeconds
            );
        }
        if (amount > cost) return (sessionId, VoucherExceedsPrice.selector, amount, cost);

        // EIP-712 digest of Voucher(sessionId, energyWh, chargingSeconds, idleSeconds, amount), then ecrecover on the
        // compact signature: s is the low 255 bits of vs, the top bit the recovery parity.
        bytes32 typeHash = VOUCHER_TYPEHASH;
        bytes32 domain = _domainSeparatorV4();
        uint256 s;
        address signer;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), sessionId)
            mstore(add(ptr, 0x40), energyWh)
            mstore(add(ptr, 0x60), chargingSeconds)
            mstore(add(ptr, 0x80), idleSeconds)
            mstore(add(ptr, 0xa0), amount)
            let structHash := keccak256(ptr, 0xc0)
            mstore(ptr, hex"1901")
            mstore(add(ptr, 0x02), domain)
            mstore(add(ptr, 0x22), structHash)
            let digest := keccak256(ptr, 0x42)
            let vs := calldataload(add(voucher, AT_VS))
            s := shr(1, shl(1, vs))
            mstore(ptr, digest)
            mstore(add(ptr, 0x20), add(shr(255, vs), 27))
            mstore(add(ptr, 0x40), calldataload(add(voucher, AT_R)))
            mstore(add(ptr, 0x60), s)
            mstore(0, 0)
            // ecrecover (precompile 1) returns nothing for an invalid signature, leaving the zero address.
            pop(staticcall(gas(), 1, ptr, 0x80, 0, 0x20))
            signer := mload(0)
        }
        if (s > HALF_ORDER) return (sessionId, ECDSA.ECDSAInvalidSignatureS.selector, s, 0);
        if (signer == address(0)) return (sessionId, ECDSA.ECDSAInvalidSignature.selector, 0, 0);
        if (signer != vehicle) return (sessionId, InvalidVoucherSigner.selector, uint160(signer), uint160(vehicle));
    }

    /// @dev Ends a checked session and credits the vehicle the rest of the deposit; the caller credits the payout.
    function _settle(uint256 session, bytes32 sessionId, uint256 voucher) private {
        address vehicle;
        address currency;
        uint256 deposit;
        uint256 openedAt;
        assembly ("memory-safe") {
            vehicle := mload(session)
            currency := mload(add(session, AT_CURRENCY))
            deposit := mload(add(session, AT_DEPOSIT))
            openedAt := mload(add(session, AT_OPENED_AT))
        }
        _end(sessionId, openedAt);
        (uint256 energyWh, uint256 chargingSeconds, uint256 idleSeconds, uint256 amount) = _voucher(voucher);
        uint256 toVehicle = deposit - amount;
        if (toVehicle != 0) balanceOf[vehicle][currency] += toVehicle;
        emit SessionSettled(sessionId, uint64(energyWh), uint32(chargingSeconds), uint32(idleSeconds), amount, toVehicle);
    }

    /// @dev Reverts with the error `_check` reported.
    function _raise(bytes4 reason, uint256 a, uint256 b) private pure {
        if (reason == SessionNotOpen.selector) revert SessionNotOpen(bytes32(a));
        if (reason == NotSettler.selector) revert NotSettler(bytes32(a), address(uint160(b)));
        if (reason == RefundDeadlinePassed.selector) revert RefundDeadlinePassed(bytes32(a), b);
        if (reason == VoucherExceedsDeposit.selector) revert VoucherExceedsDeposit(a, b);
        if (reason == VoucherExceedsPrice.selector) revert VoucherExceedsPrice(a, b);
        if (reason == InvalidVoucherSigner.selector) {
            revert InvalidVoucherSigner(address(uint160(a)), address(uint160(b)));
        }
        if (reason == ECDSA.ECDSAInvalidSignatureS.selector) revert ECDSA.ECDSAInvalidSignatureS(bytes32(a));
        revert ECDSA.ECDSAInvalidSignature();
    }

    /// @dev The voucher at calldata `voucher`, each value cut to its type (the single-settle ABI decoder has checked
    ///      them already; a batch entry is read the same way wherever it is used).
    function _voucher(uint256 voucher)
        private
        pure
        returns (uint256 energyWh, uint256 chargingSeconds, uint256 idleSeconds, uint256 amount)
    {
        assembly ("memory-safe") {
            energyWh := and(calldataload(add(voucher, AT_ENERGY)), 0xffffffffffffffff)
            chargingSeconds := and(calldataload(add(voucher, AT_CHARGING)), 0xffffffff)
            idleSeconds := and(calldataload(add(voucher, AT_IDLE)), 0xffffffff)
            amount := calldataload(add(voucher, AT_AMOUNT))
        }
    }

    /// @dev The payout and currency of the session copied at memory `session`.
    function _payoutOf(uint256 session) private pure returns (address payout, address currency) {
        assembly ("memory-safe") {
            payout := mload(add(session, AT_PAYOUT))
            currency := mload(add(session, AT_CURRENCY))
        }
    }

    /// @dev A memory copy of `session` (its abi.encode), and the calldata offset of the voucher parameters after it.
    function _copySession(Session calldata session) private pure returns (uint256 copy, uint256 voucher) {
        copy = _allocateSession();
        assembly ("memory-safe") {
            calldatacopy(copy, session, SESSION_SIZE)
            voucher := add(session, SESSION_SIZE)
        }
    }

    /// @dev Room in memory for one session's abi.encode.
    function _allocateSession() private pure returns (uint256 copy) {
        assembly ("memory-safe") {
            copy := mload(0x40)
            mstore(0x40, add(copy, SESSION_SIZE))
        }
    }

    function _wordAt(uint256 offset) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := calldataload(offset)
        }
    }

    /// @dev The state word of an open session; reverts if it is not open.
    function _openWord(bytes32 sessionId) private view returns (uint256 word) {
        word = sessionWords[sessionId];
        if (word == 0 || word == CLOSED) revert SessionNotOpen(sessionId);
    }

    function _refundableAt(uint256 word) private pure returns (uint64) {
        return uint64(word >> REFUNDABLE_AT_SHIFT);
    }

    function _reassignedAgent(uint256 word) private pure returns (address) {
        return address(uint160(word >> AGENT_SHIFT));
    }

    /// @dev Deletes the word for the gas refund, unless the session was opened in this same second (see CLOSED).
    function _end(bytes32 sessionId, uint256 openedAt) private {
        if (block.timestamp == openedAt) sessionWords[sessionId] = CLOSED;
        else delete sessionWords[sessionId];
    }
}
