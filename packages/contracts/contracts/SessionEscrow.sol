// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Funds} from "./Funds.sol";
import {PileRegistry} from "./PileRegistry.sol";

/// @title SessionEscrow
/// @notice One charging session = one deposit held here, paid out against the vehicle's signed cumulative voucher.
/// @dev The session is not stored: its struct is emitted in `SessionOpened` and passed back as calldata, checked
///      against `sessionId = keccak256(abi.encode(session))`. Only a one-word state is stored per open session.
///      Payouts and refunds are credited to withdrawable balances (`balanceOf`, `withdraw`): no external call on any
///      settlement path, so a reverting recipient can never block one and nothing can re-enter there.
contract SessionEscrow is Funds, EIP712 {
    struct Session {
        address vehicle;
        bytes32 pileId;
        address payout;
        address agent;
        address currency;
        uint96 pricePerKWh;
        uint128 deposit;
        uint40 openedAt;
        bytes32 salt;
    }

    struct SettleInput {
        Session session;
        uint64 energyWh;
        uint256 amount;
        bytes signature;
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

    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 sessionId,uint64 energyWh,uint256 amount)");

    PileRegistry public immutable registry;
    /// @notice Decides disputes raised with `settleWithClaim`.
    address public immutable arbiter;
    /// @notice After `requestRefund`, how long the pile may still settle before the vehicle can take its deposit back.
    uint64 public immutable settleWindow;
    /// @notice How long the arbiter has to decide a dispute before the held amount returns to the vehicle.
    uint64 public immutable disputeWindow;

    /// @dev 0 = not open (never opened, or finished); 1 = open; anything else = open, refundable from that timestamp.
    mapping(bytes32 sessionId => uint256) private sessionWords;
    mapping(bytes32 sessionId => Dispute) private disputes;

    uint256 private constant OPEN = 1;
    /// @dev Marks a session that ended in the second it was opened in. Deleting its word then would let an identical
    ///      session (same vehicle, pile, salt and timestamp) be opened again under the same id and replay vouchers.
    uint256 private constant CLOSED = type(uint256).max;
    /// @dev abi.encode(Session): nine static words.
    uint256 private constant SESSION_SIZE = 9 * 32;

    event SessionOpened(
        bytes32 sessionId,
        bytes32 indexed pileId,
        address indexed vehicle,
        address payout,
        address agent,
        address currency,
        uint96 pricePerKWh,
        uint128 deposit,
        uint40 openedAt,
        bytes32 salt
    );
    event SessionSettled(
        bytes32 indexed sessionId,
        bytes32 indexed pileId,
        address indexed vehicle,
        uint64 energyWh,
        uint256 amount,
        uint256 refund
    );
    event RefundRequested(bytes32 indexed sessionId, uint64 refundableAt);
    event SessionRefunded(bytes32 indexed sessionId, address indexed vehicle, uint256 amount);
    event DisputeOpened(
        bytes32 indexed sessionId,
        bytes32 indexed pileId,
        address indexed vehicle,
        uint64 claimedEnergyWh,
        uint256 claimedAmount,
        uint64 deadline
    );
    event DisputeDecided(bytes32 indexed sessionId, uint256 amountToPile, uint256 amountToVehicle);
    event DisputeExpired(bytes32 indexed sessionId, uint256 amountToVehicle);
    event DepositFromBalance(bytes32 indexed sessionId, address indexed vehicle, uint256 amount);

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
    error ClaimExceedsDeposit(uint256 claimedAmount, uint256 remaining);
    error ClaimExceedsPrice(uint256 total, uint256 price);
    error DisputeNotFound(bytes32 sessionId);
    error DisputeWindowClosed(bytes32 sessionId, uint256 deadline);
    error DisputeStillOpen(bytes32 sessionId, uint256 deadline);
    error DecisionExceedsClaim(uint256 amountToPile, uint256 held);
    error EmptyBatch();
    /// @dev Raised by the registry when opening at an unregistered pile; declared here so it is in this ABI.
    error UnknownPile(bytes32 pileId);

    /// @param registry_ The pile registry sessions read their terms from.
    /// @param arbiter_ The dispute arbiter.
    /// @param settleWindow_ Seconds the pile keeps to settle after the vehicle requests a refund.
    /// @param disputeWindow_ Seconds the arbiter has to decide a dispute.
    constructor(PileRegistry registry_, address arbiter_, uint64 settleWindow_, uint64 disputeWindow_)
        EIP712("ChargeChain Escrow", "1")
    {
        if (address(registry_) == address(0) || arbiter_ == address(0)) revert ZeroAddress();
        registry = registry_;
        arbiter = arbiter_;
        settleWindow = settleWindow_;
        disputeWindow = disputeWindow_;
    }

    // ---------------------------------------------------------------- opening

    /// @notice Opens a session at `pileId` with a deposit paid now: `msg.value` for native, `transferFrom` for ERC-20
    ///         (approve first). The pile's current payout, agent and tariff are fixed into the session.
    /// @param salt Any value that makes the session unique among the vehicle's sessions at this pile in this block.
    /// @return sessionId The id vouchers are signed over.
    function openSession(bytes32 pileId, bytes32 salt, uint128 deposit)
        external
        payable
        nonReentrant
        returns (bytes32 sessionId)
    {
        Session memory session = _newSession(pileId, salt, deposit);
        sessionId = _open(session);
        _receive(session.currency, deposit);
    }

    /// @notice Like `openSession` for an ERC-20 pile, approving the deposit with an EIP-2612 permit in the same call.
    function openSessionWithPermit(
        bytes32 pileId,
        bytes32 salt,
        uint128 deposit,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (bytes32 sessionId) {
        Session memory session = _newSession(pileId, salt, deposit);
        sessionId = _open(session);
        _receiveWithPermit(session.currency, deposit, deadline, v, r, s);
    }

    /// @notice Opens a session paid from the caller's withdrawable balance (e.g. refunds of earlier sessions).
    function openSessionFromBalance(bytes32 pileId, bytes32 salt, uint128 deposit)
        external
        nonReentrant
        returns (bytes32 sessionId)
    {
        Session memory session = _newSession(pileId, salt, deposit);
        _debit(msg.sender, session.currency, deposit);
        sessionId = _open(session);
        emit DepositFromBalance(sessionId, msg.sender, deposit);
    }

    // ---------------------------------------------------------------- settling

    /// @notice Pays `amount` to the session's payout and the rest of the deposit to the vehicle (both credited to
    ///         withdrawable balances). Only the session's agent or payout may call it, so the vehicle cannot settle
    ///         early with an older, smaller voucher. `amount` 0 with an empty signature is a full refund.
    /// @param energyWh Cumulative energy the voucher covers; @param amount Cumulative amount it authorises.
    /// @param signature The vehicle's EIP-712 `Voucher` signature (ignored when `amount` is 0).
    function settleSession(Session calldata session, uint64 energyWh, uint256 amount, bytes calldata signature)
        external
        nonReentrant
    {
        bytes32 sessionId = _finishBySettler(session);
        _checkVoucher(sessionId, session, energyWh, amount, signature);
        uint256 toVehicle = session.deposit - amount;
        balanceOf[session.payout][session.currency] += amount;
        balanceOf[session.vehicle][session.currency] += toVehicle;
        emit SessionSettled(sessionId, session.pileId, session.vehicle, energyWh, amount, toVehicle);
    }

    /// @notice Settles many sessions in one transaction; the caller must be allowed to settle each. Amounts owed to
    ///         the same payout in the same currency are summed and credited once.
    function settleSessions(SettleInput[] calldata inputs) external nonReentrant {
        uint256 count = inputs.length;
        if (count == 0) revert EmptyBatch();
        address[] memory payouts = new address[](count);
        address[] memory currencies = new address[](count);
        uint256[] memory totals = new uint256[](count);
        uint256 distinct;
        for (uint256 i; i < count; ++i) {
            SettleInput calldata input = inputs[i];
            Session calldata session = input.session;
            bytes32 sessionId = _finishBySettler(session);
            _checkVoucher(sessionId, session, input.energyWh, input.amount, input.signature);
            uint256 toVehicle = session.deposit - input.amount;
            if (toVehicle != 0) balanceOf[session.vehicle][session.currency] += toVehicle;
            emit SessionSettled(sessionId, session.pileId, session.vehicle, input.energyWh, input.amount, toVehicle);

            uint256 j;
            while (j < distinct && (payouts[j] != session.payout || currencies[j] != session.currency)) ++j;
            if (j == distinct) {
                payouts[j] = session.payout;
                currencies[j] = session.currency;
                ++distinct;
            }
            totals[j] += input.amount;
        }
        for (uint256 j; j < distinct; ++j) {
            if (totals[j] != 0) balanceOf[payouts[j]][currencies[j]] += totals[j];
        }
    }

    /// @notice Settles with the voucher and holds a further claimed amount for the arbiter, e.g. when the vehicle
    ///         stopped signing vouchers while energy kept flowing. The claim is bounded by what is left of the
    ///         deposit and by the price of `claimedEnergyWh`.
    /// @param claimedEnergyWh Total energy the pile says it delivered; @param claimedAmount Extra held beyond `amount`.
    function settleWithClaim(
        Session calldata session,
        uint64 energyWh,
        uint256 amount,
        bytes calldata signature,
        uint64 claimedEnergyWh,
        uint128 claimedAmount
    ) external nonReentrant {
        bytes32 sessionId = _finishBySettler(session);
        _checkVoucher(sessionId, session, energyWh, amount, signature);
        if (claimedAmount == 0) revert ZeroAmount();
        uint256 remaining = session.deposit - amount;
        if (claimedAmount > remaining) revert ClaimExceedsDeposit(claimedAmount, remaining);
        uint256 claimedPrice = priceOf(claimedEnergyWh, session.pricePerKWh);
        if (amount + claimedAmount > claimedPrice) revert ClaimExceedsPrice(amount + claimedAmount, claimedPrice);

        uint256 toVehicle = remaining - claimedAmount;
        uint40 deadline = uint40(block.timestamp + disputeWindow);
        disputes[sessionId] = Dispute(session.vehicle, deadline, session.payout, session.currency, claimedAmount);
        balanceOf[session.payout][session.currency] += amount;
        balanceOf[session.vehicle][session.currency] += toVehicle;
        emit SessionSettled(sessionId, session.pileId, session.vehicle, energyWh, amount, toVehicle);
        emit DisputeOpened(sessionId, session.pileId, session.vehicle, claimedEnergyWh, claimedAmount, deadline);
    }

    // ---------------------------------------------------------------- timeouts and disputes

    /// @notice The vehicle asks for its deposit back. The pile keeps `settleWindow` seconds to settle with its latest
    ///         voucher (its agent watches for `RefundRequested`); after that the vehicle may call `refund`.
    function requestRefund(Session calldata session) external {
        bytes32 sessionId = hashSession(session);
        if (msg.sender != session.vehicle) revert NotVehicle(sessionId, msg.sender);
        uint256 word = _openWord(sessionId);
        if (word != OPEN) revert RefundAlreadyRequested(sessionId, word);
        uint64 refundableAt = uint64(block.timestamp + settleWindow);
        sessionWords[sessionId] = refundableAt;
        emit RefundRequested(sessionId, refundableAt);
    }

    /// @notice Returns the whole deposit to the vehicle once the settle window after `requestRefund` has passed.
    function refund(Session calldata session) external nonReentrant {
        bytes32 sessionId = hashSession(session);
        if (msg.sender != session.vehicle) revert NotVehicle(sessionId, msg.sender);
        uint256 word = _openWord(sessionId);
        if (word == OPEN) revert RefundNotRequested(sessionId);
        if (block.timestamp < word) revert RefundNotYetAvailable(sessionId, word);
        _end(sessionId, session.openedAt);
        balanceOf[session.vehicle][session.currency] += session.deposit;
        emit SessionRefunded(sessionId, session.vehicle, session.deposit);
    }

    /// @notice The arbiter splits a held claim between the pile's payout and the vehicle, within `disputeWindow`.
    function decideDispute(bytes32 sessionId, uint256 amountToPile) external nonReentrant {
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
    function expireDispute(bytes32 sessionId) external nonReentrant {
        Dispute memory dispute = disputes[sessionId];
        if (dispute.vehicle == address(0)) revert DisputeNotFound(sessionId);
        if (block.timestamp <= dispute.deadline) revert DisputeStillOpen(sessionId, dispute.deadline);
        delete disputes[sessionId];
        balanceOf[dispute.vehicle][dispute.currency] += dispute.held;
        emit DisputeExpired(sessionId, dispute.held);
    }

    // ---------------------------------------------------------------- views

    /// @notice Whether the session is open, and from when it is refundable if a refund was requested.
    function getSessionStatus(bytes32 sessionId) external view returns (SessionStatus status, uint64 refundableAt) {
        uint256 word = sessionWords[sessionId];
        if (word == 0 || word == CLOSED) return (SessionStatus.None, 0);
        if (word == OPEN) return (SessionStatus.Open, 0);
        return (SessionStatus.RefundRequested, uint64(word));
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

    /// @notice Price of `energyWh` at `pricePerKWh`, rounded up to the next smallest unit.
    function priceOf(uint64 energyWh, uint96 pricePerKWh) public pure returns (uint256) {
        return (uint256(energyWh) * pricePerKWh + 999) / 1000;
    }

    /// @notice The EIP-712 digest the vehicle signs for a voucher.
    function voucherDigest(bytes32 sessionId, uint64 energyWh, uint256 amount) public view returns (bytes32) {
        bytes32 structHash;
        bytes32 typeHash = VOUCHER_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), sessionId)
            mstore(add(ptr, 0x40), energyWh)
            mstore(add(ptr, 0x60), amount)
            structHash := keccak256(ptr, 0x80)
        }
        return _hashTypedDataV4(structHash);
    }

    // ---------------------------------------------------------------- internals

    function _newSession(bytes32 pileId, bytes32 salt, uint128 deposit) private view returns (Session memory) {
        if (deposit == 0) revert ZeroAmount();
        (address payout, uint96 pricePerKWh, address agent, address currency) = registry.sessionTerms(pileId);
        return Session(
            msg.sender, pileId, payout, agent, currency, pricePerKWh, deposit, uint40(block.timestamp), salt
        );
    }

    function _open(Session memory session) private returns (bytes32 sessionId) {
        sessionId = keccak256(abi.encode(session));
        if (sessionWords[sessionId] != 0) revert SessionExists(sessionId);
        sessionWords[sessionId] = OPEN;
        emit SessionOpened(
            sessionId,
            session.pileId,
            session.vehicle,
            session.payout,
            session.agent,
            session.currency,
            session.pricePerKWh,
            session.deposit,
            session.openedAt,
            session.salt
        );
    }

    /// @dev Checks the caller may settle and the session is still settleable, then ends it.
    function _finishBySettler(Session calldata session) private returns (bytes32 sessionId) {
        sessionId = hashSession(session);
        if (msg.sender != session.agent && msg.sender != session.payout) revert NotSettler(sessionId, msg.sender);
        uint256 word = _openWord(sessionId);
        if (word != OPEN && block.timestamp >= word) revert RefundDeadlinePassed(sessionId, word);
        _end(sessionId, session.openedAt);
    }

    /// @dev The state word of an open session (OPEN, or the time it becomes refundable); reverts if it is not open.
    function _openWord(bytes32 sessionId) private view returns (uint256 word) {
        word = sessionWords[sessionId];
        if (word == 0 || word == CLOSED) revert SessionNotOpen(sessionId);
    }

    /// @dev Deletes the word for the gas refund, unless the session was opened in this same second (see CLOSED).
    function _end(bytes32 sessionId, uint40 openedAt) private {
        if (block.timestamp == openedAt) sessionWords[sessionId] = CLOSED;
        else delete sessionWords[sessionId];
    }

    function _checkVoucher(
        bytes32 sessionId,
        Session calldata session,
        uint64 energyWh,
        uint256 amount,
        bytes calldata signature
    ) private view {
        if (amount == 0) return;
        if (amount > session.deposit) revert VoucherExceedsDeposit(amount, session.deposit);
        uint256 price = priceOf(energyWh, session.pricePerKWh);
        if (amount > price) revert VoucherExceedsPrice(amount, price);
        address signer = ECDSA.recoverCalldata(voucherDigest(sessionId, energyWh, amount), signature);
        if (signer != session.vehicle) revert InvalidVoucherSigner(signer, session.vehicle);
    }
}
