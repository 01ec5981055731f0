import { FtpConcentratorDriver } from './ftp-concentrator-driver.js';

/** SonoCollect 110/111: the gateway's FTP folder of readings files. */
export class SonoCollectDriver extends FtpConcentratorDriver {
  readonly id = 'ftp.sonocollect';
  readonly label = { ru: 'SonoCollect (FTP)', en: 'SonoCollect (FTP)' };
}
