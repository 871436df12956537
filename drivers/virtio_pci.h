/* The virtio PCI common configuration structure (virtio 1.0 4.1.4.3) and
 * device status bits (2.1): private to drivers/virtio.c and virtq.c. */
#ifndef UNIPLEX_VIRTIO_PCI_H
#define UNIPLEX_VIRTIO_PCI_H

#define VCOM_DFSELECT    0  /* device_feature_select, le32 */
#define VCOM_DF          4  /* device_feature */
#define VCOM_GFSELECT    8  /* driver_feature_select */
#define VCOM_GF          12 /* driver_feature */
#define VCOM_CONFIG_MSIX 16 /* le16 */
#define VCOM_NUM_QUEUES  18
#define VCOM_STATUS      20 /* u8 */
#define VCOM_GENERATION  21 /* u8 */
#define VCOM_Q_SELECT    22 /* le16 */
#define VCOM_Q_SIZE      24
#define VCOM_Q_MSIX      26
#define VCOM_Q_ENABLE    28
#define VCOM_Q_NOTIFY    30
#define VCOM_Q_DESC      32 /* le64, written as two le32 */
#define VCOM_Q_DRIVER    40
#define VCOM_Q_DEVICE    48
#define VCOM_SIZE        56

#define VSTAT_ACK         1
#define VSTAT_DRIVER      2
#define VSTAT_DRIVER_OK   4
#define VSTAT_FEATURES_OK 8
#define VSTAT_FAILED      128

#define VIRTIO_NO_VECTOR 0xffff

#define vcom8(vd, off)  (*(volatile uint8_t *)((vd)->common + (off)))
#define vcom16(vd, off) (*(volatile uint16_t *)((vd)->common + (off)))
#define vcom32(vd, off) (*(volatile uint32_t *)((vd)->common + (off)))

#endif
