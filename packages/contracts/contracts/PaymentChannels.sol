// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Funds} from "./Funds.sol";

/// @title PaymentChannels
/// @notice A vehicle deposits once with an operator (a payout address) and pays every session at that operator's
///         piles by signing a growing cumulative voucher; the operator settles whenever it likes.
/// @dev A channel id is never reused: a closed channel keeps its vehicle word as a tombstone, so vouchers of a closed
///      channel can never be replayed against a new one with the same parameters.
contract PaymentChannels is Funds, EIP712 {
    struct Channel {
        address vehicle;
        uint96 deposit;
        address operator;
        uint96 settled;
        address currency;
        /// 0 while open; once the vehicle requested closing, the end of the challenge period.
        uint40 closesAt;
    }

    enum ChannelStatus {
        None,
        Open,
        Closing,
        Closed
    }

    bytes32 public constant CHANNEL_VOUCHER_TYPEHASH =
        keccak256("ChannelVoucher(bytes32 channelId,uint256 cumulativeAmount)");

    /// @notice Seconds the operator keeps to settle after the vehicle asks to close.
    uint64 public immutable challengePeriod;

    mapping(bytes32 channelId => Channel) private channels;

    event ChannelOpened(
        bytes32 indexed channelId,
        address indexed vehicle,
        address indexed operator,
        address currency,
        uint256 deposit,
        bytes32 salt
    );
    event ChannelToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit);
    event ChannelSettled(bytes32 indexed channelId, uint256 cumulativeAmount, uint256 paid);
    event ChannelCloseRequested(bytes32 indexed channelId, uint64 closesAt);
    event ChannelClosed(bytes32 indexed channelId, uint256 settled, uint256 refund);

    error ChannelExists(bytes32 channelId);
    error ChannelNotOpen(bytes32 channelId);
    error NotChannelVehicle(bytes32 channelId, address caller);
    error NotChannelOperator(bytes32 channelId, address caller);
    error VoucherExceedsDeposit(uint256 cumulativeAmount, uint256 deposit);
    error VoucherNotNewer(uint256 cumulativeAmount, uint256 settled);
    error InvalidVoucherSigner(address signer, address vehicle);
    error CloseAlreadyRequested(bytes32 channelId, uint256 closesAt);
    error CloseNotRequested(bytes32 channelId);
    error ChallengePeriodNotOver(bytes32 channelId, uint256 closesAt);
    error ChallengePeriodOver(bytes32 channelId, uint256 closesAt);

    /// @param challengePeriod_ Seconds the operator keeps to settle after the vehicle asks to close (1 s to 365 days).
    constructor(uint64 challengePeriod_) EIP712("ChargeChain Channels", "1") {
        _checkWindow(challengePeriod_);
        challengePeriod = challengePeriod_;
    }

    /// @notice Opens a channel from the caller (the vehicle) to `operator` with a deposit paid now (`msg.value` for
    ///         native, `transferFrom` for ERC-20).
    /// @param salt Distinguishes several channels between the same vehicle, operator and currency.
    /// @return channelId `keccak256(abi.encode(vehicle, operator, currency, salt))`.
    function openChannel(address operator, address currency, uint96 deposit, bytes32 salt)
        external
        payable
        returns (bytes32 channelId)
    {
        channelId = _open(operator, currency, deposit, salt);
        _receive(currency, deposit);
    }

    /// @notice Like `openChannel` for an ERC-20, approving the deposit with an EIP-2612 permit in the same call.
    function openChannelWithPermit(
        address operator,
        address currency,
        uint96 deposit,
        bytes32 salt,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32 channelId) {
        channelId = _open(operator, currency, deposit, salt);
        _receiveWithPermit(currency, deposit, deadline, v, r, s);
    }

    /// @notice The vehicle adds `amount` to an open channel's deposit.
    function topUp(bytes32 channelId, uint96 amount) external payable {
        Channel storage channel = channels[channelId];
        if (channel.operator == address(0)) revert ChannelNotOpen(channelId);
        if (msg.sender != channel.vehicle) revert NotChannelVehicle(channelId, msg.sender);
        if (amount == 0) revert ZeroAmount();
        uint96 deposit = channel.deposit + amount;
        channel.deposit = deposit;
        emit ChannelToppedUp(channelId, amount, deposit);
        _receive(channel.currency, amount);
    }

    /// @notice The operator collects what the vehicle's latest voucher adds to what was already settled. Allowed
    ///         until the challenge period after a close request ends.
    /// @param cumulativeAmount Total the vehicle has authorised over the channel's life.
    /// @param signature The vehicle's EIP-712 `ChannelVoucher` signature.
    function settleChannel(bytes32 channelId, uint256 cumulativeAmount, bytes calldata signature)
        external
        nonReentrant
    {
        Channel storage channel = _byOperator(channelId);
        uint256 paid = _settle(channelId, channel, cumulativeAmount, signature);
        _pay(msg.sender, channel.currency, paid);
    }

    /// @notice The vehicle starts the challenge period; the operator can still settle its latest voucher in it.
    function requestClose(bytes32 channelId) external {
        Channel storage channel = channels[channelId];
        if (channel.operator == address(0)) revert ChannelNotOpen(channelId);
        if (msg.sender != channel.vehicle) revert NotChannelVehicle(channelId, msg.sender);
        if (channel.closesAt != 0) revert CloseAlreadyRequested(channelId, channel.closesAt);
        uint40 closesAt = SafeCast.toUint40(block.timestamp + challengePeriod);
        channel.closesAt = closesAt;
        emit ChannelCloseRequested(channelId, closesAt);
    }

    /// @notice After the challenge period, the vehicle closes the channel and gets back what was not settled.
    function closeChannel(bytes32 channelId) external nonReentrant {
        Channel storage channel = channels[channelId];
        if (channel.operator == address(0)) revert ChannelNotOpen(channelId);
        if (msg.sender != channel.vehicle) revert NotChannelVehicle(channelId, msg.sender);
        uint256 closesAt = channel.closesAt;
        if (closesAt == 0) revert CloseNotRequested(channelId);
        if (block.timestamp < closesAt) revert ChallengePeriodNotOver(channelId, closesAt);
        _close(channelId, channel);
    }

    /// @notice The operator settles its final voucher and closes at once, returning the rest to the vehicle. With
    ///         `cumulativeAmount` equal to what was already settled, no signature is needed.
    function settleAndClose(bytes32 channelId, uint256 cumulativeAmount, bytes calldata signature)
        external
        nonReentrant
    {
        Channel storage channel = _byOperator(channelId);
        uint256 paid;
        if (cumulativeAmount != channel.settled) paid = _settle(channelId, channel, cumulativeAmount, signature);
        address currency = channel.currency;
        _close(channelId, channel);
        _pay(msg.sender, currency, paid);
    }

    /// @notice The channel's record and status. A closed channel keeps only its vehicle.
    function getChannel(bytes32 channelId) external view returns (Channel memory channel, ChannelStatus status) {
        channel = channels[channelId];
        if (channel.vehicle == address(0)) status = ChannelStatus.None;
        else if (channel.operator == address(0)) status = ChannelStatus.Closed;
        else if (channel.closesAt == 0) status = ChannelStatus.Open;
        else status = ChannelStatus.Closing;
    }

    /// @notice The id a channel opened by `vehicle` with these parameters gets.
    function channelIdOf(address vehicle, address operator, address currency, bytes32 salt)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(vehicle, operator, currency, salt));
    }

    /// @notice The EIP-712 digest the vehicle signs for a channel voucher.
    function voucherDigest(bytes32 channelId, uint256 cumulativeAmount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CHANNEL_VOUCHER_TYPEHASH, channelId, cumulativeAmount)));
    }

    function _open(address operator, address currency, uint96 deposit, bytes32 salt)
        private
        returns (bytes32 channelId)
    {
        if (operator == address(0)) revert ZeroAddress();
        if (deposit == 0) revert ZeroAmount();
        channelId = channelIdOf(msg.sender, operator, currency, salt);
        if (channels[channelId].vehicle != address(0)) revert ChannelExists(channelId);
        channels[channelId] = Channel(msg.sender, deposit, operator, 0, currency, 0);
        emit ChannelOpened(channelId, msg.sender, operator, currency, deposit, salt);
    }

    function _byOperator(bytes32 channelId) private view returns (Channel storage channel) {
        channel = channels[channelId];
        address operator = channel.operator;
        if (operator == address(0)) revert ChannelNotOpen(channelId);
        if (msg.sender != operator) revert NotChannelOperator(channelId, msg.sender);
        uint256 closesAt = channel.closesAt;
        if (closesAt != 0 && block.timestamp >= closesAt) revert ChallengePeriodOver(channelId, closesAt);
    }

    function _settle(bytes32 channelId, Channel storage channel, uint256 cumulativeAmount, bytes calldata signature)
        private
        returns (uint256 paid)
    {
        uint256 settled = channel.settled;
        if (cumulativeAmount <= settled) revert VoucherNotNewer(cumulativeAmount, settled);
        uint256 deposit = channel.deposit;
        if (cumulativeAmount > deposit) revert VoucherExceedsDeposit(cumulativeAmount, deposit);
        address vehicle = channel.vehicle;
        address signer = ECDSA.recover(voucherDigest(channelId, cumulativeAmount), signature);
        if (signer != vehicle) revert InvalidVoucherSigner(signer, vehicle);
        channel.settled = SafeCast.toUint96(cumulativeAmount);
        paid = cumulativeAmount - settled;
        emit ChannelSettled(channelId, cumulativeAmount, paid);
    }

    /// @dev Leaves the vehicle word as a tombstone (see the contract's notes) and pays the vehicle what is left.
    function _close(bytes32 channelId, Channel storage channel) private {
        address vehicle = channel.vehicle;
        address currency = channel.currency;
        uint256 settled = channel.settled;
        uint256 refund = channel.deposit - settled;
        channels[channelId] = Channel(vehicle, 0, address(0), 0, address(0), 0);
        emit ChannelClosed(channelId, settled, refund);
        _pay(vehicle, currency, refund);
    }
}
