import { FtpConcentratorDriver } from './ftp-concentrator-driver.js';

/** INDIV-X-Total: the house concentrator's FTP folder of readings files. */
export class IndivXTotalDriver extends FtpConcentratorDriver {
  readonly id = 'ftp.indiv-x-total';
  readonly label = { ru: 'INDIV-X-Total (FTP)', en: 'INDIV-X-Total (FTP)' };
}
